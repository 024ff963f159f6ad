// report.html and the weekly email in a real browser, at the widths people read them at: the
// demo's second week (history, drift, trend) and a hand-built scan with every section filled
// (timelines, accepted and lapsed risks). Screenshots are saved for a person to look at.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../reports/email.js';
import { renderReport } from '../../reports/index.js';
import { runDemo } from '../../src/app/demo.js';
import type { Finding } from '../../src/core/finding.js';
import { silentLogger } from '../../src/core/log.js';
import { RegisterSchema } from '../../src/core/register.js';
import { DEMO_NOW } from '../cli/harness.js';
import { demoRegisterPeople, richInput } from '../reports/fixture.js';
import { FULL_PAGE, horizontalOverflow, launchChromium, openFile, screenshotDir, visibleFindings } from './harness.js';

const WIDTHS = [1280, 390] as const;

let browser: Browser;
let dir: string;
let shots: string;
const pages: Record<'demo' | 'rich' | 'email', { file: string; findings: Finding[] }> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanekeeper-browser-'));
  shots = screenshotDir('report-screens');
  const now = new Date(DEMO_NOW);
  const history = join(dir, 'history.db');
  const demo = { now, log: silentLogger, env: {}, historyPath: history };
  const [, launched] = await Promise.all([
    runDemo({ ...demo, outDir: join(dir, 'week1') }).then(() =>
      runDemo({ ...demo, outDir: join(dir, 'week2'), nextWeek: true }),
    ),
    launchChromium(),
  ]);
  browser = launched;
  const document = JSON.parse(readFileSync(join(dir, 'week2', 'findings.json'), 'utf8')) as { findings: Finding[] };
  pages.demo = { file: join(dir, 'week2', 'report.html'), findings: document.findings };

  const rich = richInput();
  pages.rich = { file: join(dir, 'rich.html'), findings: rich.evaluation.findings };
  writeFileSync(pages.rich.file, renderReport('html', rich));

  const register = RegisterSchema.parse({ organization: 'Northwind Supply', people: demoRegisterPeople() });
  const history_ = rich.history!;
  const email = renderEmail({
    organization: rich.organization,
    now: rich.now,
    complete: false,
    failed: ['slack T0NORTH: auth.test: invalid_auth'],
    evaluation: rich.evaluation,
    register,
    drift: history_.drift!,
    newFingerprints: new Set(['fp-unknown-account-quickfix-dev-']),
    openDays: new Map(
      Object.entries(history_.firstSeen).map(([fp, at]) => [fp, Math.floor((+rich.now - Date.parse(at)) / 86_400_000)]),
    ),
    trend: history_.trend.map((t) => ({
      date: t.scannedAt.slice(0, 10),
      total: Object.values(t.counts).reduce((a, b) => a + b, 0),
      counts: t.counts,
    })),
  });
  pages.email = {
    file: join(dir, 'email.html'),
    findings: rich.evaluation.findings.filter((f) => f.severity === 'critical' || f.severity === 'high'),
  };
  writeFileSync(pages.email.file, email.html);
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['demo', 'rich'] as const)('report.html of the %s scan', (name) => {
  it.each(WIDTHS)(
    'at %i px: no console error, no request, every finding, nothing wider than the screen',
    async (width) => {
      const { file, findings } = pages[name];
      const { page, context, errors, requests } = await openFile(browser, file, { width });
      try {
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        expect(await page.locator('[data-finding]').count()).toBe(findings.length);
        expect(await visibleFindings(page)).toBe(findings.length);
        expect(await horizontalOverflow(page)).toBe(0);
        // The pictures are there and labelled.
        const trend = page.locator('figure.trend svg');
        expect(await trend.count()).toBe(1);
        expect(await trend.getAttribute('role')).toBe('img');
        expect(await page.locator('figure.trend desc').textContent()).toMatch(
          /^Open findings by severity over the last \d+ scans\./,
        );
        expect(await page.locator('h2#changes').textContent()).toMatch(/^What changed since \d{4}-\d{2}-\d{2}$/);
        for (const cell of await page.locator('td.cell').allTextContents()) expect(cell.trim()).not.toBe('');
        await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: FULL_PAGE });
      } finally {
        await context.close();
      }
    },
  );
});

describe('report.html, the hand-built scan', () => {
  it('shows timelines with access held past its end, accepted and lapsed risks, how long each finding is open', async () => {
    const { page, context } = await openFile(browser, pages.rich.file, { width: 1280 });
    try {
      const overdue = page.locator('.tl-row-held-past-end');
      expect(await overdue.count()).toBe(1);
      expect(await overdue.locator('.tl-state').textContent()).toBe('✕ ended 2026-06-01, still held 181 days later');
      expect(await overdue.locator('.tl-overdue').isVisible()).toBe(true);
      expect(await page.locator('.tl-today').count()).toBe(5);
      expect(await page.locator('article.accepted:not(.lapsed)').textContent()).toContain(
        'CI bot until the GitHub App lands',
      );
      expect(await page.locator('article.accepted.lapsed').textContent()).toContain('ended 2026-10-31 (29 days ago)');
      expect(await page.locator('[data-finding] .age').allTextContents()).toEqual([
        'open for 28 days',
        'open for 3 days',
        'open for 7 days',
        'new in this scan',
        'new in this scan',
      ]);
      // "Start here" links land on their findings.
      await page.locator('.first a').first().click();
      expect(new URL(page.url()).hash).toMatch(/^#f-[0-9a-f]{12}$/);
      expect(await page.locator(':target').getAttribute('data-severity')).toBe('critical');
    } finally {
      await context.close();
    }
  });
});

describe('the filters', () => {
  it('narrow the findings by severity, system, person and lane, and "Show all" brings them back', async () => {
    const { file, findings } = pages.demo;
    const { page, context, errors } = await openFile(browser, file, { width: 1280 });
    try {
      const form = page.locator('#filters');
      expect(await form.isVisible()).toBe(true);
      const choose = async (name: string, value: string) => {
        await form.locator(`select[name=${name}]`).selectOption(value);
      };
      const status = page.locator('#filter-status');

      await choose('severity', 'critical');
      const critical = findings.filter((f) => f.severity === 'critical').length;
      expect(critical).toBeGreaterThan(0);
      expect(await visibleFindings(page)).toBe(critical);
      expect(await status.textContent()).toBe(`Showing ${critical} of ${findings.length} findings.`);
      expect(await page.locator('section[data-group=high]').isVisible()).toBe(false);
      await page.screenshot({ path: join(shots, 'demo-filtered-critical.png') });

      await choose('severity', '');
      await choose('system', 'aws');
      expect(await visibleFindings(page)).toBe(findings.filter((f) => f.system === 'aws').length);

      await choose('person', 'sam');
      const samOnAws = findings.filter((f) => f.system === 'aws' && f.person === 'sam').length;
      expect(samOnAws).toBeGreaterThan(0);
      expect(await visibleFindings(page)).toBe(samOnAws);

      await form.locator('button[type=reset]').click();
      await expect.poll(() => visibleFindings(page)).toBe(findings.length);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('filter by lane: only findings whose live grants touch that lane', async () => {
    const { page, context } = await openFile(browser, pages.rich.file, { width: 390 });
    try {
      await page.locator('#filters select[name=lane]').selectOption('production');
      // multiple-lanes (code + production) and the org owner (code + production); not the shop push.
      const titles = await page.locator('[data-finding]:visible h4').allTextContents();
      expect(titles.map((t) => t.trim())).toEqual([
        'Critical Admin account nobody answers for',
        'High Contractor in more than one lane',
      ]);
      await page.screenshot({ path: join(shots, 'rich-390-lane-production.png'), fullPage: FULL_PAGE });
    } finally {
      await context.close();
    }
  });
});

describe('without JavaScript (email clients, printing)', () => {
  it('the page is complete: every finding and section shown, the filter controls absent', async () => {
    const { file, findings } = pages.demo;
    const { page, context, errors, requests } = await openFile(browser, file, { width: 390, javaScriptEnabled: false });
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await visibleFindings(page)).toBe(findings.length);
      expect(await page.locator('#filters').isVisible()).toBe(false);
      const headings = (await page.locator('h2').allTextContents()).map((h) => h.replace(/\d{4}-\d{2}-\d{2}/, 'DATE'));
      expect(headings).toEqual([
        'Summary',
        'What changed since DATE',
        'Findings',
        'Who holds which lane',
        'Grants over time',
        'Accepted risks',
        'Accounts linked to nobody',
        'Systems scanned',
        'Register problems and warnings',
        'What each rule checks',
      ]);
      expect(await horizontalOverflow(page)).toBe(0);
      await page.screenshot({ path: join(shots, 'demo-390-no-js.png'), fullPage: FULL_PAGE });
    } finally {
      await context.close();
    }
  });
});

describe('the weekly email', () => {
  it('at 600 px: no console error, no request, every critical and high finding, nothing wider than the screen', async () => {
    const { file, findings } = pages.email;
    const { page, context, errors, requests } = await openFile(browser, file, { width: 600, javaScriptEnabled: false });
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.locator('[data-finding]').count()).toBe(findings.length);
      expect(await page.locator('[data-finding]:visible').count()).toBe(findings.length);
      expect(await horizontalOverflow(page)).toBe(0);
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).toContain('What changed since 2026-11-22');
      expect(text).toContain('level raised');
      expect(text).toContain('open for 28 days');
      expect(text).toContain('Who holds which lane');
      await page.screenshot({ path: join(shots, 'email-600.png'), fullPage: FULL_PAGE });
    } finally {
      await context.close();
    }
  });
});
