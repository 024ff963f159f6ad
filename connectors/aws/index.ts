// Placeholder until the aws connector lands; replaced by its real implementation.
import { z } from 'zod';
import type { Connector } from '../../src/connector.js';

export const awsConnector: Connector = {
  id: 'aws',
  title: 'aws',
  configSchema: z.unknown(),
  async collect() {
    throw new Error('not implemented');
  },
  classify: () => ({ lanes: [], level: 'read' }),
  emulator: {
    scenarioSchema: z.unknown(),
    start: () => Promise.reject(new Error('not implemented')),
  },
  operations: [],
};
