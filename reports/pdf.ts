// report.pdf for auditors: report.html printed by Chromium with the page's own print stylesheet.
// Chromium is not a dependency: the system's browser is used when it is there, and its absence
// is a clear message with the way to install it, never a stack trace.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Where Chromium is looked for, in order, when CHROMIUM_PATH is not set. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Flags for a headless Chromium that phones nobody: no sync, no updates, no background fetches. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export class ChromiumMissingError extends Error {
  readonly code = 'LK_PDF_NO_CHROMIUM';
  constructor(looked: readonly string[]) {
    super(
      `LK_PDF_NO_CHROMIUM: a PDF needs Chromium, and none was found (looked at ${looked.join(', ')}). ` +
        'Install it (Debian/Ubuntu: `apt-get install chromium`; macOS: `brew install --cask chromium`) ' +
        'or set CHROMIUM_PATH to its executable. report.html prints to the same PDF from any browser.',
    );
    this.name = 'ChromiumMissingError';
  }
}

/** The Chromium to drive: CHROMIUM_PATH when set (and only then), else the first candidate present. */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (existsSync(chosen)) return chosen;
    throw new ChromiumMissingError([`CHROMIUM_PATH=${chosen}`]);
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new ChromiumMissingError(CHROMIUM_CANDIDATES);
  return found;
}

export interface PrintPdfOptions {
  /** The environment to read CHROMIUM_PATH from; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Prints an HTML file to PDF (A4, the page's print CSS, backgrounds on so the colours carry the
 * meaning they have on screen). Every request but the file itself is refused: a report has nothing
 * to fetch, and an auditor's PDF must not depend on the network.
 */
export async function printPdf(htmlPath: string, pdfPath: string, options: PrintPdfOptions = {}): Promise<void> {
  const executablePath = findChromium(options.env);
  const page = pathToFileURL(htmlPath).href;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.route('**/*', (route) => (route.request().url() === page ? route.continue() : route.abort()));
    const tab = await context.newPage();
    await tab.goto(page, { waitUntil: 'load' });
    await tab.emulateMedia({ media: 'print' });
    await tab.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
