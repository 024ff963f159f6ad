// The answers one scan keeps for the next, so a re-scan of an unchanged organisation asks
// "changed since?" instead of reading everything again (GitHub does not charge a "not modified"
// answer to the rate limit). Kept per target; what the next scan gets:
// - a target that was read: exactly the answers this scan used, so nothing outlives its request;
// - a target that failed: this scan's answers over the previous scan's, so a scan stopped by a
//   spent rate limit loses nothing and the next one resumes where it stopped.
// Nothing that holds a secret is kept: an answer the redactor would change is dropped.
import type { AnswerCache, CachedAnswer } from '../core/answers.js';
import { redact } from '../core/redact.js';

export interface StoredAnswer extends CachedAnswer {
  system: string;
  target: string;
  key: string;
}

/** A body larger than this is not kept: the history file is carried between CI runs. */
const MAX_BODY_CHARS = 1_000_000;

export const NO_ANSWERS: AnswerCache = { get: () => undefined, put: () => {} };

export class AnswerStore {
  private readonly previous = new Map<string, Map<string, CachedAnswer>>();
  private readonly used = new Map<string, Map<string, CachedAnswer>>();
  private readonly failed = new Set<string>();

  constructor(previous: readonly StoredAnswer[] = []) {
    for (const a of previous) {
      const { system, target, key, ...answer } = a;
      this.answersOf(this.previous, system, target).set(key, answer);
    }
  }

  /** The cache one target reads and fills while it is read. */
  forTarget(system: string, target: string): AnswerCache {
    const before = this.previous.get(scope(system, target));
    const now = this.answersOf(this.used, system, target);
    return {
      get: (key) => before?.get(key),
      put: (key, answer) => {
        if (keepable(answer)) now.set(key, answer);
      },
    };
  }

  /** The target failed: what the previous scan kept for it is kept again, under this scan's answers. */
  targetFailed(system: string, target: string): void {
    this.failed.add(scope(system, target));
  }

  /** What to keep for the next scan, in a stable order. */
  kept(): StoredAnswer[] {
    const out: StoredAnswer[] = [];
    const scopes = new Set([...this.used.keys(), ...[...this.failed].filter((s) => this.previous.has(s))]);
    for (const s of [...scopes].sort()) {
      const [system, target] = JSON.parse(s) as [string, string];
      const answers = new Map(this.failed.has(s) ? this.previous.get(s) : undefined);
      for (const [key, answer] of this.used.get(s) ?? []) answers.set(key, answer);
      for (const key of [...answers.keys()].sort()) {
        const answer = answers.get(key) as CachedAnswer;
        // Checked again on the way out: a secret first seen after the answer was kept is caught here.
        if (keepable(answer)) out.push({ system, target, key, ...answer });
      }
    }
    return out;
  }

  private answersOf(
    map: Map<string, Map<string, CachedAnswer>>,
    system: string,
    target: string,
  ): Map<string, CachedAnswer> {
    const s = scope(system, target);
    let answers = map.get(s);
    if (!answers) {
      answers = new Map();
      map.set(s, answers);
    }
    return answers;
  }
}

const scope = (system: string, target: string) => JSON.stringify([system, target]);

function keepable(answer: CachedAnswer): boolean {
  if (answer.body.length > MAX_BODY_CHARS) return false;
  return [answer.validator, answer.body, answer.link ?? '', answer.seal ?? ''].every((text) => redact(text) === text);
}
