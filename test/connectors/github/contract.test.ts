// The emulator must not drift from the real API: every REST answer the connector relies on is
// validated against the 200-response schema of that operation in GitHub's own OpenAPI
// description (@octokit/openapi), and every operation the connector calls must be covered here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubEmulator } from '../../../connectors/github/emulator/index.js';
import { GithubScenarioSchema } from '../../../connectors/github/emulator/scenario.js';
import { GITHUB_OPERATIONS, splitOperation } from '../../../connectors/github/operations.js';
import type { RunningEmulator } from '../../../src/core/connector.js';
import { NOW, runAgainstEmulator } from './harness.js';
import { RICH_SCENARIO } from './scenarios.js';

const require = createRequire(import.meta.url);
const SPEC_PATH = require.resolve('@octokit/openapi/generated/api.github.com.json');
const SPEC_ID = 'https://api.github.com/openapi.json';
/** GitHub Enterprise Cloud's description: the one that has the operations only it offers. */
const GHEC_SPEC_PATH = require.resolve('@octokit/openapi/generated/ghec.json');
const GHEC_SPEC_ID = 'https://ghec.github.com/openapi.json';
/** Operations only GitHub Enterprise Cloud has (github.com answers them 404): checked against its description. */
const ENTERPRISE_CLOUD_ONLY = new Set(['GET /orgs/{org}/custom-repository-roles']);

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** Requests that exercise each REST operation with the parameters the connector sends. */
const REQUESTS: Record<string, string[]> = {
  'GET /orgs/{org}': ['/orgs/acme'],
  'GET /orgs/{org}/members': ['/orgs/acme/members?role=admin', '/orgs/acme/members?role=member&filter=2fa_disabled'],
  'GET /orgs/{org}/outside_collaborators': [
    '/orgs/acme/outside_collaborators',
    '/orgs/acme/outside_collaborators?filter=2fa_disabled',
  ],
  'GET /orgs/{org}/invitations': ['/orgs/acme/invitations'],
  'GET /orgs/{org}/repos': ['/orgs/acme/repos?type=all'],
  'GET /orgs/{org}/teams': ['/orgs/acme/teams'],
  'GET /orgs/{org}/teams/{team_slug}/repos': ['/orgs/acme/teams/platform/repos', '/orgs/acme/teams/release/repos'],
  'GET /orgs/{org}/teams/{team_slug}/members': ['/orgs/acme/teams/platform/members'],
  'GET /orgs/{org}/personal-access-tokens': ['/orgs/acme/personal-access-tokens'],
  'GET /orgs/{org}/actions/secrets': ['/orgs/acme/actions/secrets'],
  'GET /orgs/{org}/installations': ['/orgs/acme/installations'],
  'GET /apps/{app_slug}': ['/apps/acme-release-bot', '/apps/shipfast-ci'],
  'GET /orgs/{org}/organization-roles': ['/orgs/acme/organization-roles'],
  'GET /orgs/{org}/organization-roles/{role_id}/users': [
    '/orgs/acme/organization-roles/8136/users',
    // Held through the platform team (and its child team): indirect, with inherited_from.
    '/orgs/acme/organization-roles/8137/users',
  ],
  'GET /orgs/{org}/organization-roles/{role_id}/teams': ['/orgs/acme/organization-roles/8137/teams'],
  'GET /orgs/{org}/custom-repository-roles': ['/orgs/acme/custom-repository-roles'],
  'GET /repos/{owner}/{repo}/collaborators': [
    '/repos/acme/api/collaborators?affiliation=direct',
    '/repos/acme/web/collaborators?affiliation=direct',
  ],
  'GET /repos/{owner}/{repo}/keys': ['/repos/acme/api/keys'],
  'GET /repos/{owner}/{repo}/actions/secrets': ['/repos/acme/api/actions/secrets'],
  'GET /repos/{owner}/{repo}/environments': ['/repos/acme/api/environments', '/repos/acme/web/environments'],
};

/** Operations that answer one object, not a list. */
const SINGLE_OBJECTS = new Set(['GET /orgs/{org}', 'GET /apps/{app_slug}']);

const REST_OPERATIONS = GITHUB_OPERATIONS.filter((op) => op !== 'POST /graphql');

/**
 * OpenAPI 3.0 writes "may be null" as `nullable: true`, which JSON Schema (ajv) reads only beside
 * a `type`; beside `anyOf` (the installation's account) it becomes an explicit null branch.
 */
function withNullableAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullableAnyOf);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, withNullableAnyOf(v)]));
  if (nullable === true && out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  return nullable === undefined ? out : { ...out, nullable };
}

describe('GitHub emulator contract (OpenAPI)', () => {
  let ajv: Ajv;
  let spec: { paths: Record<string, Record<string, unknown>> };
  let ghec: { paths: Record<string, Record<string, unknown>> };
  let emulator: RunningEmulator;
  let token: string;

  beforeAll(async () => {
    spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as typeof spec;
    // One document holding the paths and components, so the spec's "#/components/..." refs resolve.
    ghec = JSON.parse(readFileSync(GHEC_SPEC_PATH, 'utf8')) as typeof ghec;
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    // One document per description holding its paths and components, so "#/components/..." refs resolve.
    for (const [id, doc] of [
      [SPEC_ID, spec],
      [GHEC_SPEC_ID, ghec],
    ] as const)
      ajv.addSchema({
        $id: id,
        paths: doc.paths,
        components: withNullableAnyOf((doc as unknown as { components: unknown }).components),
      });
    // An Enterprise Cloud organisation with a custom repository role, so that list is not empty either.
    const scenario = {
      ...RICH_SCENARIO,
      customRepositoryRoles: [{ id: 31, name: 'release-manager', baseRole: 'write', permissions: ['create_tag'] }],
    };
    emulator = await startGithubEmulator(GithubScenarioSchema.parse(scenario), { now: NOW, pageSize: 100 });
    token = Object.values(emulator.env)[0] as string;
  });
  afterAll(async () => {
    await emulator?.close();
  });

  function validatorFor(operation: string): ValidateFunction {
    const { method, template } = splitOperation(operation);
    const [doc, id] = ENTERPRISE_CLOUD_ONLY.has(operation) ? [ghec, GHEC_SPEC_ID] : [spec, SPEC_ID];
    const pathItem = doc.paths[template];
    expect(pathItem, `${template} is in GitHub's OpenAPI description`).toBeDefined();
    const op = pathItem?.[method.toLowerCase()] as { responses: Record<string, { $ref?: string }> } | undefined;
    expect(op?.responses['200'], `${operation} has a 200 answer`).toBeDefined();
    const pointer = ['paths', template, method.toLowerCase(), 'responses', '200']
      .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const ref = op?.responses['200']?.$ref
      ? `${id}${op.responses['200'].$ref}/content/application~1json/schema`
      : `${id}#/${pointer}/content/application~1json/schema`;
    return ajv.compile({ $ref: ref });
  }

  it('covers every REST operation the connector declares', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual([...REST_OPERATIONS].sort());
  });

  for (const operation of REST_OPERATIONS) {
    it(`answers ${operation} as GitHub describes it`, async () => {
      const validate = validatorFor(operation);
      for (const path of REQUESTS[operation] ?? []) {
        const res = await fetch(`${emulator.url}${path}`, { headers: { authorization: `token ${token}` } });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
        const body = (await res.json()) as unknown;
        // Never vacuous: every list answers at least one item for the contract to check.
        const items = Array.isArray(body) ? body : Object.values(body as object).find(Array.isArray);
        if (!SINGLE_OBJECTS.has(operation)) expect((items as unknown[] | undefined)?.length, path).toBeGreaterThan(0);
        const ok = validate(body);
        expect(ok ? [] : (validate.errors ?? []).slice(0, 5), `${path} against ${operation}`).toEqual([]);
      }
    });
  }

  it('is the whole set of operations a full scan calls', async () => {
    // Collaborators and team access come through GraphQL; the REST calls for them are the way
    // when the token may not use GraphQL, so a full scan is the union of both.
    const { emulator: used } = await runAgainstEmulator(RICH_SCENARIO);
    const { emulator: rest } = await runAgainstEmulator({ ...RICH_SCENARIO, graphqlAllowed: false });
    const called = new Set([...used.requests, ...rest.requests].map((r) => r.operation));
    expect([...called].sort()).toEqual([...GITHUB_OPERATIONS].sort());
  });

  it('fails validation for an answer GitHub would not give (the check can fail)', () => {
    const validate = validatorFor('GET /orgs/{org}/members');
    expect(validate([{ login: 'x' }])).toBe(false);
  });
});
