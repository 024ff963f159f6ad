// Opens reports in Debian's Chromium through playwright-core and records what a reader would
// never want: console errors, page errors, and any request beyond the file itself.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../reports/pdf.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One browser per test file. playwright gives each launch a fresh temporary profile directory. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Whole-page screenshots when a person asked to review them (LANEKEEPER_SCREENSHOTS set): a
 * 40,000-pixel phone page takes seconds to capture, so a plain test run keeps the first screen.
 */
export const FULL_PAGE = Boolean(process.env.LANEKEEPER_SCREENSHOTS);

/** Where screenshots go: LANEKEEPER_SCREENSHOTS when set (to keep them), else a new temp folder. */
export function screenshotDir(name: string): string {
  const base = process.env.LANEKEEPER_SCREENSHOTS;
  if (base) {
    const dir = join(base, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), `lanekeeper-${name}-`));
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Every request other than the page's own file, refused and recorded. */
  requests: string[];
}

export async function openFile(
  browser: Browser,
  file: string,
  options: { width: number; height?: number; javaScriptEnabled?: boolean },
): Promise<OpenedPage> {
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({
    viewport: { width: options.width, height: options.height ?? 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    offline: true,
  });
  const requests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target === url) return route.continue();
    requests.push(target);
    return route.abort();
  });
  const page = await context.newPage();
  // data: and blob: URLs bypass routing; the request event still sees them.
  page.on('request', (r) => {
    if (r.url() !== url && !requests.includes(r.url())) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, errors, requests };
}

/** How far the page scrolls sideways: 0 when everything fits the viewport. */
export function horizontalOverflow(page: Page): Promise<number> {
  // A string, evaluated in the page: the project's TypeScript has no DOM library.
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** Findings a reader can see: rendered, not hidden by the filter. */
export function visibleFindings(page: Page): Promise<number> {
  return page.locator('[data-finding]:visible').count();
}
