// report.html: one self-contained page for a browser or a mail attachment. Handlebars escapes
// every value (escaping is never turned off, and no triple-stash touches data); values are also
// stripped of control characters and bidi overrides first, which escaping leaves in place.
// A Content-Security-Policy forbids every request and every script but the filter below, by hash:
// should a value ever get past escaping, the browser still runs nothing and fetches nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { oneLine } from './escape.js';
import type { ReportInput } from './index.js';
import { buildView } from './view.js';

const templateFile = (name: string) => readFileSync(new URL(`./templates/${name}`, import.meta.url), 'utf8');

// The filter script is a constant of ours, inserted as a partial (partials are template text,
// not data). Trailing whitespace is dropped so the hashed text is exactly what lands in <script>.
export const FILTER_SCRIPT = templateFile('partials/report-filter-script.hbs').trimEnd();
const SCRIPT_HASH = createHash('sha256').update(FILTER_SCRIPT, 'utf8').digest('base64');

export const REPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${SCRIPT_HASH}'`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const handlebars = Handlebars.create();
handlebars.registerPartial('report-style', templateFile('partials/report-style.hbs').trimEnd());
handlebars.registerPartial('report-finding', templateFile('partials/report-finding.hbs'));
handlebars.registerPartial('report-filter-script', FILTER_SCRIPT);
// knownHelpersOnly: the template may use if/each/unless only, nothing a value could name.
const template = handlebars.compile(templateFile('report.html.hbs'), { knownHelpersOnly: true, strict: false });

export function renderHtml(input: ReportInput): string {
  const view = cleanStrings(buildView(input));
  return template({ ...view, csp: REPORT_CSP });
}

/** Every string in the view made one safe line; numbers, booleans and structure unchanged. */
function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return oneLine(value) as T;
  if (Array.isArray(value)) return value.map(cleanStrings) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)])) as T;
  }
  return value;
}
