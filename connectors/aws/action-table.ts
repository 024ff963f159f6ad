// What AWS's Service Authorization Reference says of each action (action-levels.ts, generated
// from it): a service's real actions, and which of them only list or read. A service is split
// into its sets the first time it is asked for, so a lookup is one Set or Map access.
import { ACTION_LEVELS } from './action-levels.js';

export interface ServiceActions {
  /** Every action of the service, as AWS spells it. */
  names: readonly string[];
  /** The lower-cased names of those whose access level is List or Read. */
  reads: ReadonlySet<string>;
}

const services = new Map<string, ServiceActions | undefined>();

/** The service's actions, or undefined for a prefix the reference does not list. */
export function serviceActions(service: string): ServiceActions | undefined {
  const prefix = service.toLowerCase();
  if (services.has(prefix)) return services.get(prefix);
  const levels = Object.hasOwn(ACTION_LEVELS, prefix) ? ACTION_LEVELS[prefix] : undefined;
  const split = (names: string | undefined) => (names ? names.split(' ') : []);
  const known = levels && {
    names: [...split(levels.L), ...split(levels.R), ...split(levels.W), ...split(levels.P), ...split(levels.T)],
    reads: new Set([...split(levels.L), ...split(levels.R)].map((n) => n.toLowerCase())),
  };
  services.set(prefix, known);
  return known;
}

/** Whether AWS gives the action (`service:Name`, any case) the access level List or Read. */
export function isListOrRead(action: string): boolean {
  const colon = action.indexOf(':');
  if (colon < 0) return false;
  return serviceActions(action.slice(0, colon))?.reads.has(action.slice(colon + 1).toLowerCase()) ?? false;
}
