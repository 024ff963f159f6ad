// The SQLite the history store runs on: Node's own node:sqlite where the runtime has it (Node 22.13
// and later: nothing to compile, nothing to download), else better-sqlite3 (an optional dependency,
// for Node 20). Both are driven through the small synchronous surface the store needs.
import { createRequire } from 'node:module';
import { firstLineOf, UsageError } from '../../core/errors.js';

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqlStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

export interface SqlDatabase {
  readonly driver: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

/** Runs `fn` between BEGIN IMMEDIATE and COMMIT; any throw rolls everything back. */
export function inTransaction<T>(db: SqlDatabase, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

interface NodeSqlite {
  DatabaseSync: new (path: string) => SqlDatabase & { prepare(sql: string): SqlStatement };
}

type BetterSqlite3 = new (path: string) => Omit<SqlDatabase, 'driver'>;

/** No SQLite to keep the history in: bad usage (exit 2), found before any system is read. */
export class NoSqliteError extends UsageError {}

const NO_HISTORY = 'or pass --no-history to scan without one';

export function openDatabase(path: string): SqlDatabase {
  const native = loadNodeSqlite();
  if (native) return Object.assign(new native.DatabaseSync(path), { driver: 'node:sqlite' as const });
  let Database: BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as BetterSqlite3;
  } catch {
    throw new NoSqliteError(
      'the history needs SQLite: run lanekeeper on Node 22.13 or later (it has SQLite built in), ' +
        `or install the optional better-sqlite3 package, ${NO_HISTORY}`,
    );
  }
  // better-sqlite3 loads its compiled part on the first open: a package installed without its
  // build (install scripts off, another Node version) fails here, not at require. An in-memory
  // database tries that alone, so an error opening the file itself keeps its own message.
  try {
    new Database(':memory:').close();
  } catch (e) {
    throw new NoSqliteError(
      `the history needs SQLite, and better-sqlite3 is installed without a build for this Node ${process.version} ` +
        `(${firstLineOf(e).replace(/:$/, '')}): run \`npm rebuild better-sqlite3\` where lanekeeper is installed, ` +
        `or run lanekeeper on Node 22.13 or later (it has SQLite built in), ${NO_HISTORY}`,
    );
  }
  const db = new Database(path);
  return {
    driver: 'better-sqlite3',
    exec: (sql) => {
      db.exec(sql);
    },
    prepare: (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

/** node:sqlite when this Node has it; its one "experimental" warning is not the user's concern. */
function loadNodeSqlite(): NodeSqlite | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (!getBuiltin) return undefined;
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/i.test(text)) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return getBuiltin.call(process, 'node:sqlite') as NodeSqlite | undefined;
  } finally {
    process.emitWarning = emit;
  }
}
