// `npm run build`: bundles the CLI and the SDKs it uses into dist/ with esbuild.
//
// Why a bundle and not tsc's one file per module: a CLI start is dominated by module loading.
// The demo loads four SDKs (the AWS clients, Octokit, Slack's, Google's with protobufjs): from
// node_modules that is about 2,000 files to resolve, stat, read and compile (~0.5 s before any
// work); bundled and tree-shaken it is a few dozen chunks. Commands still load lazily: every
// `await import()` in the sources (a connector's collect, its emulator, the email renderer,
// nodemailer) becomes its own chunk, loaded only when that code runs. Type checking stays with
// `tsc --noEmit` (`npm run typecheck`); esbuild only strips types.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/app/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The SDKs' ES module builds first (esbuild's default for node is CommonJS first): they
  // tree-shake, and the demo evaluates less code (the S3 client cost nothing measurable this way).
  mainFields: ['module', 'main'],
  // Same sources, same bytes: chunk names are content hashes and nothing else varies.
  minifyWhitespace: true,
  minifySyntax: true,
  // Licence notices of the bundled packages stay in the chunks that carry their code.
  legalComments: 'eof',
  external: [
    // A native addon: it must be loaded from its own folder (and is not used on Node 22).
    'better-sqlite3',
    // An optional peer dependency, loaded only for --pdf, with a message when it is absent.
    'playwright-core',
  ],
  // Some bundled packages are CommonJS: they call require() for Node built-ins and read
  // __dirname. An ES module has neither, so each chunk defines them. (google-gax reads
  // __dirname to find .proto files for gRPC; lanekeeper uses its REST fallback, which takes
  // its protos from bundled JSON, so the folder it would name is never read.)
  banner: {
    js: [
      "import { createRequire as __lkCreateRequire } from 'node:module';",
      "import { fileURLToPath as __lkFileURLToPath } from 'node:url';",
      'const require = __lkCreateRequire(import.meta.url);',
      'const __filename = __lkFileURLToPath(import.meta.url);',
      "const __dirname = __lkFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});
