// Every GitHub API operation the collector may call, in the words the emulator logs them.
// One list serves the connector's `operations`, the emulator's router and the contract test.
export const GITHUB_OPERATIONS = [
  'GET /orgs/{org}',
  'GET /orgs/{org}/members',
  'GET /orgs/{org}/outside_collaborators',
  'GET /orgs/{org}/invitations',
  'GET /orgs/{org}/repos',
  'GET /orgs/{org}/teams',
  'GET /orgs/{org}/teams/{team_slug}/repos',
  'GET /orgs/{org}/teams/{team_slug}/members',
  'GET /orgs/{org}/personal-access-tokens',
  'GET /orgs/{org}/actions/secrets',
  'GET /orgs/{org}/installations',
  'GET /apps/{app_slug}',
  'GET /orgs/{org}/organization-roles',
  'GET /orgs/{org}/custom-repository-roles',
  'GET /orgs/{org}/organization-roles/{role_id}/users',
  'GET /orgs/{org}/organization-roles/{role_id}/teams',
  'GET /repos/{owner}/{repo}/collaborators',
  'GET /repos/{owner}/{repo}/keys',
  'GET /repos/{owner}/{repo}/actions/secrets',
  'GET /repos/{owner}/{repo}/environments',
  'POST /graphql',
] as const;
export type GithubOperation = (typeof GITHUB_OPERATIONS)[number];

/**
 * A GitHub App's installation token is minted with a POST that changes nothing in the org.
 * It is listed apart from the reads so `operations` stays strictly read-only.
 */
export const GITHUB_AUTH_OPERATIONS = ['POST /app/installations/{installation_id}/access_tokens'] as const;

/** Splits "GET /orgs/{org}" into its method and path template. */
export function splitOperation(operation: string): { method: string; template: string } {
  const space = operation.indexOf(' ');
  return { method: operation.slice(0, space), template: operation.slice(space + 1) };
}
