// A JSON document whose one long list is its last value (findings.json's findings, SARIF's
// results), written one element at a time: at scale the list is tens of MB, and one
// JSON.stringify of the whole document held it, and every copy of its records, at once.

/**
 * The text `JSON.stringify(document, null, 2)` and a newline would give once the empty list at its
 * end holds `items`, in pieces: the document's head, then one element each, then its closers. The
 * list must be the last value at every level of `document`, so the text's last `[]` is that list:
 * after it come only closing brackets and braces.
 */
export function* jsonEndingInList<T>(
  document: unknown,
  items: readonly T[],
  record: (item: T) => unknown,
): Generator<string> {
  const text = JSON.stringify(document, null, 2);
  const at = text.lastIndexOf('[]');
  if (at < 0 || /[^\s\]}]/.test(text.slice(at + 2))) throw new Error('the document must end with its empty list');
  if (items.length === 0) {
    yield `${text}\n`;
    return;
  }
  // Its line's indent: the closing bracket's; an element is one level deeper.
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const outer = text.slice(lineStart, lineStart + text.slice(lineStart).search(/\S/));
  const inner = `${outer}  `;
  yield `${text.slice(0, at)}[\n`;
  const last = items.length - 1;
  for (let i = 0; i <= last; i++) {
    // JSON escapes every line break inside a string, so each \n here is the layout's own.
    const element = JSON.stringify(record(items[i] as T), null, 2).replaceAll('\n', `\n${inner}`);
    yield `${inner}${element}${i < last ? ',' : ''}\n`;
  }
  yield `${outer}]${text.slice(at + 2)}\n`;
}
