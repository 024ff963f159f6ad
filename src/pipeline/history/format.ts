// `lanekeeper history`: past scans, one line each, oldest first; a scan narrowed by --only says so.
import { terminalSafe } from '../../core/text.js';
import type { ScanSummary } from './store.js';

export function formatHistory(scans: readonly ScanSummary[]): string {
  if (scans.length === 0) return 'no scans recorded yet\n';
  const lines = ['scanned at                 complete  critical  high  medium  low  info  systems'];
  for (const s of scans) {
    const failed = s.systems.filter((x) => !x.ok).length;
    // A narrowed scan (--only) read part of the company: later scans never compare with it.
    const narrowed = s.scope ? `, narrowed to ${s.scope.join(' ')}` : '';
    const systems = `${s.systems.length - failed}/${s.systems.length} read${narrowed}${s.hasSnapshot ? '' : ', snapshot pruned'}`;
    lines.push(
      [
        s.scannedAt.padEnd(26),
        (s.complete ? 'yes' : 'NO').padEnd(9),
        String(s.counts.critical).padStart(8),
        String(s.counts.high).padStart(5),
        String(s.counts.medium).padStart(7),
        String(s.counts.low).padStart(4),
        String(s.counts.info).padStart(5),
        ` ${systems}`,
      ].join(' '),
    );
  }
  // Rows were checked when read; printing is made terminal-safe all the same.
  return `${lines.map(terminalSafe).join('\n')}\n`;
}
