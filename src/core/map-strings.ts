// Every string in a value passed through one function (a redactor, a cleaner), the rest as it is.
// What the function leaves unchanged is returned as it is, not copied: a large scan's input is
// 200,000 grants, and copying it for every report doubled the memory a scan needs. Only the parts
// with a changed string in them are new objects, and the walk itself allocates nothing until it
// finds one (millions of records pass through it: every array or entry list it made was garbage
// to collect). Plain objects, arrays and maps are walked; dates and other objects keep their class.

/**
 * `value` with `fix` applied to every string in it (keys too), copied only where one changed.
 * Objects `done` says were fixed already are returned as they are, unwalked.
 */
export function mapStrings<T>(value: T, fix: (text: string) => string, done?: (value: object) => boolean): T {
  if (typeof value === 'string') return fix(value) as T;
  if (typeof value !== 'object' || value === null || done?.(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const fixed = mapStrings(value[i], fix, done);
      if (!out && fixed !== value[i]) out = value.slice(0, i);
      out?.push(fixed);
    }
    return (out ?? value) as T;
  }
  if (value instanceof Map) {
    let out: Map<unknown, unknown> | undefined;
    let seen = 0;
    for (const [k, v] of value) {
      const fk = mapStrings(k, fix, done);
      const fv = mapStrings(v, fix, done);
      if (!out && (fk !== k || fv !== v)) out = new Map([...value].slice(0, seen));
      out?.set(fk, fv);
      seen++;
    }
    return (out ?? value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  // Entries, not assignments, once something changed: a key such as "__proto__" from an API
  // stays an own property (Object.fromEntries), as it was.
  let out: [string, unknown][] | undefined;
  for (const k in record) {
    const v = record[k];
    const fk = fix(k);
    const fv = mapStrings(v, fix, done);
    if (!out && (fk !== k || fv !== v)) {
      out = [];
      for (const earlier in record) {
        if (earlier === k) break;
        out.push([earlier, record[earlier]]);
      }
    }
    out?.push([fk, fv]);
  }
  return (out ? Object.fromEntries(out) : value) as T;
}
