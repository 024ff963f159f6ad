import { describe, expect, it } from 'vitest';
import { gateExitCode } from '../../src/pipeline/gate.js';

describe('gateExitCode', () => {
  const high = [{ severity: 'high' as const }];
  it.each([
    { name: 'no findings', findings: [], failOn: 'critical' as const, code: 0 },
    { name: 'high under --fail-on critical', findings: high, failOn: 'critical' as const, code: 0 },
    { name: 'high under --fail-on high', findings: high, failOn: 'high' as const, code: 1 },
    { name: 'high under --fail-on low', findings: high, failOn: 'low' as const, code: 1 },
    {
      name: 'critical under --fail-on none',
      findings: [{ severity: 'critical' as const }],
      failOn: 'none' as const,
      code: 0,
    },
  ])('complete scan, $name → $code', ({ findings, failOn, code }) => {
    expect(gateExitCode({ findings, complete: true, failOn, allowPartial: false })).toBe(code);
  });

  it('fails closed with 3 when a system could not be read, whatever the findings', () => {
    expect(gateExitCode({ findings: [], complete: false, failOn: 'none', allowPartial: false })).toBe(3);
  });

  it('judges what was read when partial results are allowed', () => {
    expect(gateExitCode({ findings: high, complete: false, failOn: 'high', allowPartial: true })).toBe(1);
    expect(gateExitCode({ findings: [], complete: false, failOn: 'high', allowPartial: true })).toBe(0);
  });
});
