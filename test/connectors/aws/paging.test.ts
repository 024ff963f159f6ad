// IAM answers in XML the SDK reads leniently: an empty 200 or another server's page comes out as an
// answer with no lists, which must fail the read, never pass for an account with nobody in it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages } from '../../../connectors/aws/paging.js';

const GENUINE = `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>false</IsTruncated></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`;

let server: Server;
let body = GENUINE;
let iam: IAMClient;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  iam = new IAMClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIALKPAGINGTEST0001', secretAccessKey: 'LKFAKE-paging-test-secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  iam.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const read = () =>
  allPages(paginateGetAccountAuthorizationDetails({ client: iam }, {}), 'iam:GetAccountAuthorizationDetails');

describe('aws paging: what is an IAM answer', () => {
  it('reads an account with nobody in it when IAM says so', async () => {
    body = GENUINE;
    expect(await read()).toEqual([]);
  });

  it.each([
    ['an empty body', ''],
    ['an HTML page', '<html><body>Down for maintenance</body></html>'],
    ['another XML document', '<Error><Code>Gone</Code></Error>'],
  ])('fails on %s answered 200', async (_name, text) => {
    body = text;
    await expect(read()).rejects.toThrow(/iam:GetAccountAuthorizationDetails: the answer was not the service's list/);
  });
});

describe('aws paging: the other lists whose empty answer would read as nothing', () => {
  const pages = async function* (...answers: object[]) {
    yield* answers;
  };
  it.each([
    ['kms:ListKeys', { Keys: [], Truncated: false }],
    ['s3:ListAllMyBuckets', { Buckets: [], Owner: { ID: 'abc' } }],
    ['organizations:ListAccounts', { Accounts: [] }],
  ])('%s: an answer with its mark is read, one without fails', async (operation, genuine) => {
    expect(await allPages(pages(genuine), operation)).toEqual([]);
    await expect(allPages(pages({}), operation)).rejects.toThrow(`${operation}: the answer was not the service's list`);
  });
});
