// What a command may touch of the process: the environment, the two output streams, the working
// directory and the signal to stop. Tests pass their own.

export interface Io {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Whether stderr is a terminal (progress lines redrawn in place) and how wide. */
  stderrIsTTY?: boolean;
  columns?: number;
  /** Resolves when a long-running command (sandbox) should stop. */
  untilStopped?: () => Promise<void>;
}

export const processIo = (): Io => {
  endQuietlyWhenTheReaderLeaves(process.stdout);
  return {
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
    untilStopped: () =>
      new Promise((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      }),
  };
};

const quietStreams = new WeakSet<NodeJS.WriteStream>();

/**
 * A reader that stops early (`lanekeeper history --findings … | head`) closes the pipe: the output
 * ends there, as it does for other command-line tools, not in a stack trace about EPIPE.
 */
function endQuietlyWhenTheReaderLeaves(stream: NodeJS.WriteStream): void {
  if (quietStreams.has(stream)) return;
  quietStreams.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}
