// The GitHub job summary: report.md as far as GitHub shows it. GitHub drops a step's whole
// summary when it passes 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a
// size of 1024k"), and report.md passes that at a few thousand findings (40 MB at the bench's
// large scale). So the summary takes report.md's pieces, whole sections and whole findings,
// while they fit, then says where the rest is. A piece is never cut: a cut one could leave a
// code fence or a list open around the note.
import { markdownText } from '../src/core/text.js';

/** What GitHub keeps of one step's summary, in bytes. */
export const JOB_SUMMARY_BYTES = 1024 * 1024;

/**
 * The pieces joined, whole if they fit in `room` bytes of UTF-8; otherwise as many leading pieces
 * as fit beside a closing note that names `reports` (where report.md and report.html are).
 * Pieces past the cut are never asked for, so a lazy renderer renders no more than is shown.
 */
export function jobSummary(pieces: Iterable<string>, room: number, reports: string): string {
  const note = `\n---\n\n**This summary stops here:** GitHub shows at most 1 MiB of a step's summary. The whole report is report.md and report.html in ${markdownText(reports)}.\n`;
  const noteBytes = Buffer.byteLength(note);
  const kept: string[] = [];
  let used = 0;
  // The pieces that fit beside the note: what is shown if the whole does not fit.
  let beforeNote = 0;
  for (const piece of pieces) {
    used += Buffer.byteLength(piece);
    if (used > room) return noteBytes <= room ? kept.slice(0, beforeNote).join('') + note : '';
    kept.push(piece);
    if (used + noteBytes <= room) beforeNote = kept.length;
  }
  return kept.join('');
}
