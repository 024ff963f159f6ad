// Every paged read goes through here. AWS never gives the same page token twice; a server that
// does (or that links on forever) must fail the account, not loop, and not stop quietly with
// half a list, which is what the SDK paginators' stopOnSameToken would do.

/** More pages than any real account has: a list still going here is a server gone wrong. */
const MAX_PAGES = 10_000;

interface Paged {
  Marker?: string | undefined;
  NextToken?: string | undefined;
}

export async function* guardedPages<T extends Paged>(pages: AsyncIterable<T>, operation: string): AsyncGenerator<T> {
  const seen = new Set<string>();
  let count = 0;
  for await (const page of pages) {
    if (++count > MAX_PAGES) throw new Error(`${operation}: still paging after ${MAX_PAGES} pages; stopped`);
    const token = page.Marker ?? page.NextToken;
    if (token !== undefined && token !== '') {
      if (seen.has(token))
        throw new Error(
          `${operation}: the server repeated a page token; stopped instead of reading the same pages again`,
        );
      seen.add(token);
    }
    yield page;
  }
}
