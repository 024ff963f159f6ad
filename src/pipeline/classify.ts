// Classification happens here and nowhere else: each grant's lanes and level come from its
// connector's pure classify() under the config's lanes mapping, when collect() receives the
// grant and again whenever a saved snapshot (inventory.json, shards: inventory-file.ts) is judged
// under a config.
import type { AnyConnector } from '../core/connector.js';
import { type Grant, GrantSchema, type Snapshot, type UnclassifiedGrant } from '../core/model.js';

export interface ClassifyingSystem {
  connector: AnyConnector;
  config: unknown;
}

/**
 * Recompute every grant's lanes and level with the connector of its system and the
 * current config, so a saved inventory judged under a new lanes mapping is judged right.
 * Grants of systems not configured keep the classification they were saved with.
 */
export function classifySnapshot(snapshot: Snapshot, systems: readonly ClassifyingSystem[]): Snapshot {
  const bySystem = new Map(systems.map((s) => [s.connector.id, s]));
  return {
    ...snapshot,
    grants: snapshot.grants.map((grant) => {
      const system = bySystem.get(grant.system);
      return system ? classifyGrant(system.connector, system.config, grant) : grant;
    }),
  };
}

/** One grant with the lanes (sorted, once each) and level its connector gives it under `config`. */
export function classifyGrant(connector: AnyConnector, config: unknown, grant: UnclassifiedGrant): Grant {
  // A new grant in GrantSchema's key order, whatever order the connector built it in:
  // inventory.json writes a record in that order as it is, and copies any other into it first
  // (reports/inventory.ts). Optional fields the grant lacks are undefined here, which JSON and
  // the model read as absent: one object literal, built in 0.13 s for the large scan's 211,705
  // grants, against 0.22 s with a conditional spread for each field that may be absent.
  let classified: Grant = {
    system: grant.system,
    target: grant.target,
    account: grant.account,
    resource: grant.resource,
    permission: grant.permission,
    via: grant.via,
    viaName: grant.viaName,
    expiresAt: grant.expiresAt,
    lanes: [],
    level: 'read',
    evidence: grant.evidence,
    attributes: grant.attributes,
  };
  for (const key in grant)
    if (!GRANT_KEYS.has(key)) {
      classified = { ...classified, ...outsideTheModel(grant) };
      break;
    }
  // classify() is pure and reads the grant as it stands, unclassified; the grant is the one made
  // above, so its lanes and level are then set in place rather than copied into yet another.
  const { lanes, level } = connector.classify(classified, config);
  classified.lanes = [...new Set(lanes)].sort();
  classified.level = level;
  return classified;
}

const GRANT_KEYS: ReadonlySet<string> = new Set(Object.keys(GrantSchema.shape));

/** A grant's keys the model does not know, kept after its own (spread, so "__proto__" stays data). */
function outsideTheModel(grant: UnclassifiedGrant): Record<string, unknown> {
  const fields = grant as Record<string, unknown>;
  return Object.fromEntries(Object.keys(fields).flatMap((k) => (GRANT_KEYS.has(k) ? [] : [[k, fields[k]]])));
}
