// The emulator speaks Google's wire format: checked with plain HTTP, independent of the client.
import { afterEach, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../connectors/gcp/client.js';
import { SANDBOX_TOKEN_ENV } from '../../../connectors/gcp/emulator/index.js';
import { GcpScenarioSchema } from '../../../connectors/gcp/emulator/scenario.js';
import { gcpConnector } from '../../../connectors/gcp/index.js';
import type { RunningEmulator } from '../../../src/core/connector.js';

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

const scenario = GcpScenarioSchema.parse({
  organization: { id: '1', domain: 'northwind.example' },
  projects: [
    {
      projectId: 'shop-prod',
      number: '4242',
      parent: 'organizations/1',
      labels: { env: 'prod' },
      bindings: [
        { role: 'roles/viewer', members: ['user:a@northwind.example'] },
        {
          role: 'roles/editor',
          members: ['user:b@northwind.example'],
          condition: { title: 'Until October', expression: 'request.time < timestamp("2026-10-01T00:00:00Z")' },
        },
      ],
      serviceAccounts: [
        {
          email: 'ci@shop-prod.iam.gserviceaccount.com',
          keys: [{ id: 'aaaaaaaa11111111222222223333333344444444', validAfterTime: '2026-01-01T00:00:00Z' }],
          bindings: [
            { role: 'roles/iam.serviceAccountTokenCreator', members: ['user:nia@pixelwork.example'] },
            {
              role: 'roles/iam.serviceAccountUser',
              members: ['user:omar@agency.example'],
              condition: { title: 'Cutover', expression: 'request.time < timestamp("2026-10-01T00:00:00Z")' },
            },
          ],
        },
      ],
    },
  ],
});

async function start(options: { pageSize?: number } = {}) {
  const emulator = await gcpConnector.emulator.start(scenario, { now: new Date('2026-09-01T00:00:00Z'), ...options });
  running.push(emulator);
  const token = emulator.env[SANDBOX_TOKEN_ENV];
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { emulator, call };
}

describe('gcp emulator', () => {
  it('points its config at itself with the token as an environment reference', async () => {
    const { emulator } = await start();
    expect(emulator.config).toEqual({
      endpoint: emulator.url,
      accessToken: `\${${SANDBOX_TOKEN_ENV}}`,
      organization: '1',
    });
    expect(emulator.env[SANDBOX_TOKEN_ENV]?.length).toBeGreaterThan(10);
  });

  it('serves version 3 policies with conditions and a base64 etag, and hides conditions from version 1', async () => {
    const { call } = await start();
    const v3 = await call('POST', '/v3/projects/shop-prod:getIamPolicy', { options: { requestedPolicyVersion: 3 } });
    expect(v3.status).toBe(200);
    expect(v3.body.version).toBe(3);
    expect(v3.body.etag).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(v3.body.bindings).toContainEqual(
      expect.objectContaining({ role: 'roles/editor', condition: expect.objectContaining({ title: 'Until October' }) }),
    );
    const v1 = await call('POST', '/v3/projects/4242:getIamPolicy', {});
    expect(v1.body.version).toBe(1);
    const roles = (v1.body.bindings as { role: string; condition?: unknown }[]).map((b) => b.role);
    expect(roles.some((r) => r.startsWith('roles/editor_withcond_'))).toBe(true);
    expect((v1.body.bindings as { condition?: unknown }[]).every((b) => b.condition === undefined)).toBe(true);
  });

  it('pages searches with nextPageToken and honours the enum-encoding the client asks for', async () => {
    const { call } = await start({ pageSize: 1 });
    const page = await call('GET', '/v3/projects:search?query=state%3AACTIVE&$alt=json%3Benum-encoding%3Dint');
    expect(page.body.projects).toEqual([
      expect.objectContaining({ name: 'projects/4242', projectId: 'shop-prod', state: 1, parent: 'organizations/1' }),
    ]);
    expect(page.body.nextPageToken).toBeUndefined();
    const named = await call('GET', '/v3/projects:search');
    expect((named.body.projects as { state: unknown }[])[0]?.state).toBe('ACTIVE');
    const bad = await call('GET', '/v3/projects:search?query=labels.env%3Aprod');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 400, status: 'INVALID_ARGUMENT' } } });
  });

  it("answers a service account's own IAM policy to a POST, version 3 asked as a query parameter, as IAM v1 does", async () => {
    const { call } = await start();
    const path = '/v1/projects/shop-prod/serviceAccounts/ci%40shop-prod.iam.gserviceaccount.com:getIamPolicy';
    const v3 = await call('POST', `${path}?options.requestedPolicyVersion=3`);
    expect(v3.status).toBe(200);
    expect(v3.body).toEqual({
      version: 3,
      etag: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      bindings: [
        { role: 'roles/iam.serviceAccountTokenCreator', members: ['user:nia@pixelwork.example'] },
        {
          role: 'roles/iam.serviceAccountUser',
          members: ['user:omar@agency.example'],
          condition: { title: 'Cutover', expression: 'request.time < timestamp("2026-10-01T00:00:00Z")' },
        },
      ],
    });
    // Without the version, the condition is hidden behind a renamed role.
    const v1 = await call('POST', path);
    expect(v1.body.version).toBe(1);
    expect((v1.body.bindings as { role: string }[])[1]?.role).toMatch(/^roles\/iam\.serviceAccountUser_withcond_/);
    // `projects/-` lets IAM find the project from the account.
    const wildcard = await call(
      'POST',
      `/v1/projects/-/serviceAccounts/ci%40shop-prod.iam.gserviceaccount.com:getIamPolicy?options.requestedPolicyVersion=3`,
    );
    expect(wildcard.body).toEqual(v3.body);
    // A read, never a write: GET is not the method, and an unknown account is NOT_FOUND.
    expect((await call('GET', path)).status).toBe(404);
    const missing = await call(
      'POST',
      '/v1/projects/shop-prod/serviceAccounts/nobody%40shop-prod.iam.gserviceaccount.com:getIamPolicy',
    );
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 404, status: 'NOT_FOUND' } } });
    const bad = await call('POST', `${path}?options.requestedPolicyVersion=2`);
    expect(bad).toMatchObject({ status: 400, body: { error: { status: 'INVALID_ARGUMENT' } } });
  });

  it("refuses a service account's policy with Google's 403 when the scenario says so", async () => {
    const denied = GcpScenarioSchema.parse({
      projects: [
        {
          projectId: 'shop-prod',
          serviceAccounts: [{ email: 'ci@shop-prod.iam.gserviceaccount.com', policyDenied: true }],
        },
      ],
    });
    const emulator = await gcpConnector.emulator.start(denied, { now: new Date('2026-09-01T00:00:00Z') });
    running.push(emulator);
    const response = await fetch(
      `${emulator.url}/v1/projects/shop-prod/serviceAccounts/ci%40shop-prod.iam.gserviceaccount.com:getIamPolicy`,
      { method: 'POST', headers: { authorization: `Bearer ${emulator.env[SANDBOX_TOKEN_ENV]}` } },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: {
        code: 403,
        status: 'PERMISSION_DENIED',
        message: "Permission 'iam.serviceAccounts.getIamPolicy' denied on resource (or it may not exist).",
      },
    });
  });

  it('lists service accounts and filters keys by keyTypes', async () => {
    const { call } = await start();
    const accounts = await call('GET', '/v1/projects/shop-prod/serviceAccounts');
    expect(accounts.body.accounts).toEqual([
      expect.objectContaining({ email: 'ci@shop-prod.iam.gserviceaccount.com', projectId: 'shop-prod' }),
    ]);
    const base = '/v1/projects/shop-prod/serviceAccounts/ci%40shop-prod.iam.gserviceaccount.com/keys';
    const user = await call('GET', `${base}?keyTypes=USER_MANAGED`);
    expect(user.body.keys).toEqual([
      expect.objectContaining({
        name: 'projects/shop-prod/serviceAccounts/ci@shop-prod.iam.gserviceaccount.com/keys/aaaaaaaa11111111222222223333333344444444',
        keyType: 'USER_MANAGED',
        validBeforeTime: '9999-12-31T23:59:59Z',
      }),
    ]);
    const all = await call('GET', base);
    expect((all.body.keys as { keyType: string }[]).map((k) => k.keyType).sort()).toEqual([
      'SYSTEM_MANAGED',
      'USER_MANAGED',
    ]);
  });

  it('answers in Google error format: no token, faults, unknown paths', async () => {
    const { emulator, call } = await start();
    const anonymous = await fetch(`${emulator.url}/v3/projects:search`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: expect.objectContaining({ code: 401, status: 'UNAUTHENTICATED' }),
    });
    const unknown = await call('GET', '/v3/projects/shop-prod');
    expect(unknown.status).toBe(404);
    expect(emulator.requests.at(-1)?.operation).toBe('unknown');

    const faulty = await gcpConnector.emulator.start(scenario, {
      now: new Date(),
      faults: { seed: 3, rate: 1, kinds: ['rate-limit'] },
    });
    running.push(faulty);
    const limited = await fetch(`${faulty.url}/v3/projects:search`, {
      headers: { authorization: `Bearer ${faulty.env[SANDBOX_TOKEN_ENV]}` },
    });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: expect.objectContaining({ code: 429, status: 'RESOURCE_EXHAUSTED' }),
    });
  });
});

describe('classifyFailure', () => {
  it('retries rate limits and outages in every shape the libraries throw them, and nothing else', () => {
    const googleError = (code: number) => Object.assign(new Error('x'), { code });
    const gaxiosError = (status: number) => Object.assign(new Error('y'), { status, response: { status } });
    expect(classifyFailure(googleError(8))).toMatchObject({ transient: true, status: 429 });
    expect(classifyFailure(googleError(14))).toMatchObject({ transient: true, status: 503 });
    expect(classifyFailure(googleError(7))).toMatchObject({ transient: false, status: 403 });
    expect(classifyFailure(gaxiosError(429))).toMatchObject({ transient: true, status: 429 });
    expect(classifyFailure(gaxiosError(503))).toMatchObject({ transient: true });
    expect(classifyFailure(gaxiosError(404))).toMatchObject({ transient: false });
    expect(classifyFailure(new TypeError('fetch failed'))).toMatchObject({ transient: true });
    expect(classifyFailure(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ transient: false });
  });
});
