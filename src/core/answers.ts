// The contract of answers kept between scans, for conditional requests (see pipeline/answers.ts
// for the store and connectors/github/conditional.ts for their use). A leaf module: it imports nothing.

/** An answer kept from one scan to the next: its validator (an ETag), its body and its paging link. */
export interface CachedAnswer {
  validator: string;
  body: string;
  link?: string;
  /**
   * The connector's MAC over the answer, keyed by its credential: an answer written into the
   * history by anyone without that credential is not used (see connectors/github/conditional.ts).
   */
  seal?: string;
}

/**
 * Answers kept in the history between scans, keyed by request (method, path and query). A connector
 * may ask the system "changed since this validator?"; only when the system says no may it use the
 * kept body. A kept answer is never used without that confirmation: it is not a copy of the system.
 */
export interface AnswerCache {
  get(key: string): CachedAnswer | undefined;
  /** Keep this answer for the next scan: a fresh one, or a kept one the system confirmed. */
  put(key: string, answer: CachedAnswer): void;
}
