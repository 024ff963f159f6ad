// Lane(s) and level of one Slack grant under the config's channel mapping. Pure: the lanes of
// an inventory are recomputed with it whenever the mapping changes, so a grant carries what
// classification needs (the workspace grant lists the public channels a full member can read).

import type { Classification } from '../../src/core/connector.js';
import { type Grant, LANES, type Lane, type Level } from '../../src/core/model.js';
import { matchesAny } from '../../src/core/scope.js';
import type { SlackConfig, SlackLanes } from './schema.js';

/** The resource of a full member's access to the whole workspace. */
export const WORKSPACE = 'workspace';

/** Raw permissions the collector emits, and the level each amounts to. */
export const PERMISSION_LEVELS = {
  'primary-owner': 'admin',
  owner: 'admin',
  admin: 'admin',
  /** Enterprise Grid organisation roles: they manage every workspace of the organisation, this one too. */
  'org-primary-owner': 'admin',
  'org-owner': 'admin',
  'org-admin': 'admin',
  /** A full member: posts anywhere, reads every public channel. */
  member: 'write',
  /** Membership of one channel: a guest or member can post there. */
  'channel-member': 'write',
  /** Membership of an archived channel: nothing new is posted, but its history stays readable. */
  'archived-channel-member': 'read',
  /**
   * Another organisation in a channel shared through Slack Connect: its people read and post there
   * (Slack has no read-only Slack Connect setting), and its admins decide who they are.
   */
  'slack-connect': 'write',
  /** An installed app whose scopes read messages (the integration log): every channel it may reach. */
  'app-reads-messages': 'read',
} as const satisfies Record<string, Level>;
export type SlackPermission = keyof typeof PERMISSION_LEVELS;

export function isSlackPermission(value: string): value is SlackPermission {
  return Object.hasOwn(PERMISSION_LEVELS, value);
}

export function classifySlackGrant(grant: Grant, config: Pick<SlackConfig, 'lanes'>): Classification {
  // A permission this version does not know is treated as posting rights, not as harmless.
  const level: Level = isSlackPermission(grant.permission) ? PERMISSION_LEVELS[grant.permission] : 'write';
  const matchers = laneMatchers(config.lanes);
  if (grant.resource === WORKSPACE) {
    // A full member reads every public channel (an app the channels it may reach), so the data and
    // production channels among them count too.
    const lanes = new Set<Lane>(['code']);
    for (const channel of channelsReached(grant)) for (const lane of matchers.lanesOf(channel)) lanes.add(lane);
    return { lanes: ordered(lanes), level };
  }
  const lanes = new Set(matchers.lanesOf(grant.resource));
  if (lanes.size === 0) lanes.add('code');
  return { lanes: ordered(lanes), level };
}

interface LaneMatchers {
  lanesOf(channel: string): Lane[];
}

const cache = new WeakMap<SlackLanes, LaneMatchers>();

export function laneMatchers(lanes: SlackLanes): LaneMatchers {
  const cached = cache.get(lanes);
  if (cached) return cached;
  const compile = (globs: readonly string[]) => {
    const normalised = globs.map((g) => (g.startsWith('#') ? g : `#${g}`));
    return (name: string) => matchesAny(normalised, name);
  };
  const data = compile(lanes.data);
  const production = compile(lanes.production);
  const matchers: LaneMatchers = {
    lanesOf(channel) {
      const out: Lane[] = [];
      if (data(channel)) out.push('data');
      if (production(channel)) out.push('production');
      return out;
    },
  };
  cache.set(lanes, matchers);
  return matchers;
}

/** The channels a workspace-wide grant reaches: a full member's public channels, an app's every channel. */
function channelsReached(grant: Grant): string[] {
  const value = grant.attributes?.channels ?? grant.attributes?.publicChannels;
  return Array.isArray(value) ? value : [];
}

function ordered(lanes: Set<Lane>): Lane[] {
  return LANES.filter((l) => lanes.has(l));
}
