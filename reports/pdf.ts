// report.pdf for auditors: report.html printed by Chromium with the page's own print stylesheet.
// Neither Chromium nor playwright-core is a dependency: the system's browser and an optional
// playwright-core are used when they are there (loaded only for --pdf), and their absence is a
// clear message with the way to install them, never a stack trace.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ExitCode, LanekeeperError } from '../src/core/errors.js';

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

/** --pdf without what it needs: found before anything is read (checkPdfPrinter), exit 2. */
export class PdfUnavailableError extends LanekeeperError {
  override readonly name = 'PdfUnavailableError';
  readonly exitCode = ExitCode.BAD_INPUT;
  lines(): string[] {
    return [this.message];
  }
}

export class ChromiumMissingError extends PdfUnavailableError {
  readonly code = 'LK_PDF_NO_CHROMIUM';
  constructor(looked: readonly string[]) {
    super(
      `LK_PDF_NO_CHROMIUM: a PDF needs Chromium, and none was found (looked at ${looked.join(', ')}). ` +
        'Install it (Debian/Ubuntu: `apt-get install chromium`; macOS: `brew install --cask chromium`) ' +
        'or set CHROMIUM_PATH to its executable. report.html prints to the same PDF from any browser.',
    );
  }
}

/** playwright-core drives Chromium; it is an optional peer dependency, installed by those who want PDFs. */
async function loadChromium(): Promise<typeof import('playwright-core').chromium> {
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    throw new PdfUnavailableError(
      'LK_PDF_NO_PLAYWRIGHT: a PDF needs the optional package playwright-core: `npm install playwright-core` ' +
        'beside lanekeeper (no browser download is needed: it drives the system Chromium). ' +
        'report.html prints to the same PDF from any browser.',
    );
  }
}

/**
 * What --pdf needs, checked before a scan reads anything: Chromium, and playwright-core to drive it.
 * Throws PdfUnavailableError (exit 2) naming what is missing.
 */
export async function checkPdfPrinter(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  findChromium(env);
  await loadChromium();
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
  const chromium = await loadChromium();
  const page = pathToFileURL(htmlPath).href;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.route('**/*', (route) => (route.request().url() === page ? route.continue() : route.abort()));
    const tab = await context.newPage();
    await tab.goto(page, { waitUntil: 'load' });
    await tab.emulateMedia({ media: 'print' });
    // Paper cannot be clicked open: every folded finding and section is printed open.
    await tab.evaluate('document.querySelectorAll("details").forEach((d) => { d.open = true; })');
    await tab.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
