// Answers are parsed here with the platform's JSON.parse rather than by Octokit (client.ts tells
// Octokit not to: `parseSuccessResponseBody: false`). Octokit parses with json-with-bigint, which
// on Node 20 (JSON.parse cannot see a number's source there) first rewrites the whole answer with
// a regular expression, then parses it with a reviver called for every value: several times
// JSON.parse's cost, and the largest cost of a request at a large organisation's 15,000 of them.
// Nothing we read needs more than a double: GitHub's ids are below 2^53. What is parsed how
// follows Octokit's own rules (JSON types, then text, then bytes); errors are Octokit's to parse.
import type { Octokit } from '@octokit/core';
import { WireAnswer } from './transport.js';

/** The Octokit plugin: `Octokit.plugin(parsedAnswers, ...)`, innermost of ours. */
export function parsedAnswers(octokit: Octokit): void {
  octokit.hook.wrap('request', async (request, options) => {
    const response = await request(options);
    // With parsing off, Octokit hands back the answer's `body`: the transport's answer itself.
    if (response.data instanceof WireAnswer) response.data = await dataOf(response.data);
    return response;
  });
}

const JSON_TYPES = new Set(['application/json', 'application/scim+json']);

async function dataOf(answer: WireAnswer): Promise<unknown> {
  const contentType = answer.headers.get('content-type');
  if (!contentType) return answer.text();
  const [type = '', ...parameters] = contentType.toLowerCase().split(';');
  if (JSON_TYPES.has(type.trim())) {
    const text = await answer.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // As Octokit: an answer that says JSON but is not comes back as its text.
      return text;
    }
  }
  if (type.trim().startsWith('text/') || parameters.some((p) => p.trim() === 'charset=utf-8')) return answer.text();
  return answer.arrayBuffer();
}
