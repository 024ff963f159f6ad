// The three JSON Patch (RFC 6902) operations a scenario needs to tell "the following week":
// add (with "-" to append), replace and remove. Paths are JSON Pointers (RFC 6901).

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export function applyPatch<T>(document: T, operations: readonly PatchOperation[]): T {
  const root = structuredClone(document) as unknown;
  for (const operation of operations) {
    const keys = parsePointer(operation.path);
    const last = keys.pop();
    if (last === undefined)
      throw new Error(`patch ${operation.op} ${operation.path}: cannot replace the whole document`);
    let parent: unknown = root;
    for (const key of keys) parent = child(parent, key, operation.path);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) {
        throw new Error(`patch ${operation.op} ${operation.path}: no index ${last}`);
      }
      if (operation.op === 'add') parent.splice(index, 0, operation.value);
      else if (index >= parent.length) throw new Error(`patch ${operation.op} ${operation.path}: no index ${last}`);
      else if (operation.op === 'replace') parent[index] = operation.value;
      else parent.splice(index, 1);
    } else if (parent && typeof parent === 'object') {
      const record = parent as Record<string, unknown>;
      if (operation.op !== 'add' && !Object.hasOwn(record, last)) {
        throw new Error(`patch ${operation.op} ${operation.path}: no member "${last}"`);
      }
      if (operation.op === 'remove') delete record[last];
      else record[last] = operation.value;
    } else {
      throw new Error(`patch ${operation.op} ${operation.path}: parent is not an object or array`);
    }
  }
  return root as T;
}

function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON Pointer (it must start with /)`);
  return pointer
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(parent: unknown, key: string, path: string): unknown {
  const next = Array.isArray(parent) ? parent[Number(key)] : (parent as Record<string, unknown> | null)?.[key];
  if (next === undefined || next === null || typeof next !== 'object')
    throw new Error(`patch ${path}: nothing at "${key}"`);
  return next;
}
