// The benchmark's emulators, in a process of their own: GitHub's servers do not spend the
// scanner's CPU, so neither may the emulators, or the wall time and peak RSS measured would be
// the emulators' as much as lanekeeper's. Started by bench/run.ts with fork(); speaks over IPC.
import { connectors } from '../connectors/index.js';
import type { RunningEmulator } from '../src/core/connector.js';
import { generateOrganisation, type Scale } from './generate.js';
import { limitsOf, SYSTEMS } from './limits.js';

export interface HostRequest {
  scale: Scale;
  seed: number;
  latency: number;
  jitter: number;
  now: string;
}

export interface HostReady {
  type: 'ready';
  emulators: Record<string, { url: string; config: Record<string, unknown>; env: Record<string, string> }>;
}

export interface HostCounts {
  type: 'counts';
  counts: Record<
    string,
    { byOperation: Record<string, number>; total: number; throttled: number; notModified: number }
  >;
}

/** CPU the emulators' process has used so far (user and system), for the machine's share of a run. */
export interface HostCpu {
  type: 'cpu';
  cpuMs: number;
}

const send = (message: HostReady | HostCounts | HostCpu) => process.send?.(message);
const emulators = new Map<string, RunningEmulator>();

process.on('message', async (message: { type: string; request?: HostRequest }) => {
  if (message.type === 'start' && message.request) {
    const { scale, seed, latency, jitter, now } = message.request;
    const org = generateOrganisation(scale, seed, new Date(now));
    const ready: HostReady = { type: 'ready', emulators: {} };
    for (const system of SYSTEMS) {
      const connector = connectors.find((c) => c.id === system);
      if (!connector) throw new Error(`no connector ${system}`);
      const scenario = connector.emulator.scenarioSchema.parse((org.scenario as Record<string, unknown>)[system]);
      const limits = limitsOf(system);
      const emulator = await connector.emulator.start(scenario, {
        now: new Date(now),
        latencyMs: latency,
        jitterMs: jitter,
        ...(limits ? { rateLimits: limits } : {}),
      });
      emulators.set(system, emulator);
      ready.emulators[system] = { url: emulator.url, config: emulator.config, env: emulator.env };
    }
    send(ready);
  } else if (message.type === 'counts') {
    const counts: HostCounts['counts'] = {};
    for (const [system, emulator] of emulators) {
      const byOperation: Record<string, number> = {};
      let throttled = 0;
      let notModified = 0;
      for (const r of emulator.requests) {
        byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
        if (r.fault === 'rate-limit' || r.fault === 'secondary-rate-limit') throttled++;
        if (r.status === 304) notModified++;
      }
      counts[system] = { byOperation, total: emulator.requests.length, throttled, notModified };
    }
    send({ type: 'counts', counts });
  } else if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu', cpuMs: (user + system) / 1000 });
  } else if (message.type === 'close') {
    await Promise.all([...emulators.values()].map((e) => e.close()));
    process.exit(0);
  }
});
