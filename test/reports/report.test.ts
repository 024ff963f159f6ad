import { describe, expect, it } from 'vitest';
import { RENDERED_FORMATS, REPORT_FILES, type ReportFormat, renderReport } from '../../reports/index.js';
import { demoInput, hostileInput, shuffled } from './fixture.js';

describe('renderReport', () => {
  it('names one file per format', () => {
    expect(REPORT_FILES).toEqual({
      html: 'report.html',
      md: 'report.md',
      json: 'findings.json',
      csv: 'access.csv',
      inventory: 'inventory.json',
    });
    expect(Object.keys(REPORT_FILES).sort()).toEqual([...RENDERED_FORMATS].sort());
  });

  it('refuses a format it does not know instead of writing nothing', () => {
    expect(() => renderReport('pdf' as ReportFormat, demoInput())).toThrow(/unknown report format "pdf"/);
  });

  describe.each(RENDERED_FORMATS)('%s', (format) => {
    it('gives the same bytes for the same input', () => {
      expect(renderReport(format, demoInput())).toBe(renderReport(format, demoInput()));
    });

    it('gives the same bytes whatever order the records, findings and people come in', () => {
      expect(renderReport(format, shuffled(demoInput()))).toBe(renderReport(format, demoInput()));
      expect(renderReport(format, shuffled(hostileInput()))).toBe(renderReport(format, hostileInput()));
    });

    it('depends on the clock it is given, not the wall clock', () => {
      const later = { ...demoInput(), now: new Date('2027-01-01T00:00:00Z') };
      if (format === 'json' || format === 'html' || format === 'md')
        expect(renderReport(format, later)).toContain('2027-01-01');
    });

    it('does not change its input', () => {
      const input = demoInput();
      const before = JSON.stringify(input);
      renderReport(format, input);
      expect(JSON.stringify(input)).toBe(before);
    });
  });
});
