import { neutraliseWorkflowCommands } from './text.js';

// Commands a person copies into a shell, with names that came from an API or the register.
// Every argument is POSIX single-quoted unless it is plainly safe, so a name such as
// `'; rm -rf / #` or `$(id)` arrives as one literal argument and never runs.

// Characters no POSIX shell (nor zsh or fish) treats specially inside a word. A leading "="
// is excluded (zsh expands `=cmd` to a path) and so is a leading "~" (tilde expansion).
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/**
 * One argument, quoted so every POSIX shell passes it through byte for byte: single quotes
 * preserve everything but a single quote, which is written as `'"'"'` (close, a quoted quote,
 * reopen). Plain words are left as they are so commands stay readable.
 */
export function shellQuote(arg: string): string {
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

/** A command line: each argument quoted, joined by spaces. */
export function command(...args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/** Commands joined by a pipe: the output of each feeds the next. */
export function pipeline(...commands: readonly string[]): string {
  return commands.join(' | ');
}

/**
 * `--name=value` as a single argument: a value that starts with "-" can never be taken for
 * another option, which `--name value` would allow in tools that parse options loosely.
 */
export function option(name: string, value: string): string {
  return `${name}=${value}`;
}

// C0/C1 controls, DEL, and the bidi overrides that make a command read differently than it runs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** True when a command holds characters a terminal or a page would not show as they are. */
export function hasControlCharacters(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/**
 * A command as one visible line: control characters (a newline inside a quoted name, an escape
 * sequence) are shown as \n, \u001b... so nothing is hidden or reordered on screen. The result
 * is for reading; when it differs from the command, the caller says so.
 */
export function visibleCommand(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A command as a terminal (and so a CI log) shows it: visibleCommand, with the workflow commands
 * GitHub Actions would act on broken up as in every other printed line (`##[` as `## [`). The
 * line is for reading; `altered` says it is not the command byte for byte, and `note` says why.
 */
export function terminalCommand(text: string): { line: string; altered: boolean; note?: string } {
  const visible = visibleCommand(text);
  const line = neutraliseWorkflowCommands(visible);
  const why = [
    visible === text ? undefined : 'contains control characters, shown escaped',
    line === visible ? undefined : 'holds a GitHub Actions workflow command, shown broken up by a space',
  ].filter((w) => w !== undefined);
  if (why.length === 0) return { line, altered: false };
  return { line, altered: true, note: `${why.join('; ')}: check the names before running it` };
}
