// URL path templates in the words APIs document them: "/orgs/{org}/members".
/** Match "/orgs/{org}/members" against a path; returns the params or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    const actual = a[i] as string;
    if (seg.startsWith('{') && seg.endsWith('}')) params[seg.slice(1, -1)] = decodeURIComponent(actual);
    else if (seg !== actual) return undefined;
  }
  return params;
}
