// The registry of connectors. Adding a system is adding a folder and a line here;
// test/connectors/registry.test.ts checks this list against the folders on disk.
import type { AnyConnector } from '../src/core/connector.js';
import { awsConnector } from './aws/index.js';
import { gcpConnector } from './gcp/index.js';
import { githubConnector } from './github/index.js';
import { slackConnector } from './slack/index.js';

export const connectors: readonly AnyConnector[] = [githubConnector, awsConnector, gcpConnector, slackConnector];

export function connectorById(id: string): AnyConnector | undefined {
  return connectors.find((c) => c.id === id);
}
