// The job summary: report.md while it fits in what GitHub keeps of a step's summary, cut only
// between pieces, with a note saying where the rest is.
import { describe, expect, it } from 'vitest';
import { renderReport, reportChunks } from '../../reports/index.js';
import { JOB_SUMMARY_BYTES, jobSummary } from '../../reports/job-summary.js';
import { demoInput } from './fixture.js';

const bytes = (text: string) => Buffer.byteLength(text);

describe('jobSummary', () => {
  it('is the whole report when it fits', () => {
    const input = demoInput();
    const whole = renderReport('md', input);
    expect(jobSummary(reportChunks('md', input), JOB_SUMMARY_BYTES, 'reports')).toBe(whole);
    // Exactly as many bytes as the report is enough: no note is needed.
    expect(jobSummary(reportChunks('md', input), bytes(whole), 'reports')).toBe(whole);
  });

  it('keeps whole leading pieces and the note, within the room, when the whole does not fit', () => {
    const pieces = ['# Head\n\n', 'é'.repeat(300), '\n#### Finding 2\n', 'x'.repeat(5000), '\n## Tail\n'];
    const room = 1200;
    const summary = jobSummary(pieces, room, 'out/reports');
    expect(bytes(summary)).toBeLessThanOrEqual(room);
    // 'é' is two bytes: 300 of them fit beside the note only as bytes are counted, not characters.
    expect(summary.startsWith(`# Head\n\n${'é'.repeat(300)}\n#### Finding 2\n\n---\n`)).toBe(true);
    expect(summary).not.toContain('xxx');
    expect(summary).toContain('**This summary stops here:**');
    expect(summary).toContain('report.md and report.html in out/reports.');
  });

  it('leaves out a piece that fits alone but not beside the note', () => {
    const note = jobSummary(['q'.repeat(5000)], 1000, 'r');
    expect(note).not.toContain('qq');
    const room = bytes(note) + 10;
    expect(jobSummary(['a'.repeat(10), 'b'.repeat(11), 'c'.repeat(room)], room, 'r')).toBe(`${'a'.repeat(10)}${note}`);
  });

  it('escapes the folder it names as Markdown', () => {
    expect(jobSummary(['z'.repeat(2000)], 1000, 'a_[b](c)')).toContain('a\\_\\[b\\]\\(c\\)');
  });

  it('writes nothing when not even the note fits', () => {
    expect(jobSummary(['z'.repeat(2000)], 20, 'reports')).toBe('');
  });

  it('asks for no piece past the cut', () => {
    let asked = 0;
    function* pieces() {
      for (let i = 0; i < 1000; i++) {
        asked++;
        yield 'w'.repeat(100);
      }
    }
    jobSummary(pieces(), 1000, 'reports');
    expect(asked).toBeLessThanOrEqual(11);
  });
});
