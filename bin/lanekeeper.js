#!/usr/bin/env node
// The installed CLI runs the bundled JavaScript in dist/ (built by `npm run build`, which
// `npm pack` runs; see scripts/build.mjs). In a clone that has not been built, it runs the TypeScript sources through
// tsx (a dev dependency) instead, so `npm ci && npx lanekeeper …` works there too.
import { existsSync } from 'node:fs';

// The AWS SDK warns on every run that its 2027 releases will need Node 22; that is a note for
// lanekeeper's maintainers (package.json pins what runs), not for the person reading a scan.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Node 22 keeps compiled code between runs (in the OS temp folder): the SDKs load faster on the
// second run. Node 20 has no such cache and simply skips this.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

const built = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/app/cli.ts', import.meta.url);
let cli = built;
if (!existsSync(built)) {
  if (!existsSync(source)) {
    process.stderr.write('lanekeeper: dist/ is missing from this installation: reinstall lanekeeper\n');
    process.exit(2);
  }
  const { register } = await import('tsx/esm/api');
  register();
  cli = source;
}
const { boundHeapGrowth, main } = await import(cli.href);
// One scan, then exit: the heap need not grow as a server's would (src/app/heap.ts).
boundHeapGrowth();
process.exitCode = await main(process.argv);
