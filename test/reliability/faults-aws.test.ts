// The fault matrix for AWS (see fault-matrix.ts): every fault kind, through the CLI.
import { vi } from 'vitest';
import { describeFaultMatrix } from './fault-matrix.js';

// The CLI builds its pipeline from the registry: the tuned one makes every retry wait milliseconds.
vi.mock('../../connectors/index.js', async () => (await import('./tuned-registry.js')).tunedRegistry());

describeFaultMatrix('aws');
