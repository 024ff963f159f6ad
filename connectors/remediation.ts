// Each connector's remediation module by connector id, so the core finds the commands of a
// system without naming it. A connector without one gets no commands, only its rule's steps.
import type { ConnectorRemediation } from '../src/core/remediation.js';
import { remediation as aws } from './aws/remediation.js';
import { remediation as gcp } from './gcp/remediation.js';
import { remediation as github } from './github/remediation.js';
import { remediation as slack } from './slack/remediation.js';

export const remediations: Readonly<Record<string, ConnectorRemediation>> = { github, aws, gcp, slack };
