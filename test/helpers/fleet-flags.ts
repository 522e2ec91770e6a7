/**
 * Flags for fleet-stack tests: the sandbox flags with each of the five fleet flags
 * switched off or on. Synthesis of the fleet stack alone is in ./fleet-synth.ts (it loads
 * cdktf and the provider classes, which the flags-only suites do without).
 *
 * @reads flags/sandbox.json
 */
import { readFileSync } from 'node:fs';
import { FlagsSchema, type Flags, type FlagsInput } from '../../lib/flags/schema';
import type { FleetEnvironment } from '../../lib/constructs/ingest-fleet';
import { arnContext } from '../../lib/naming';
import type { StackJson } from '../../lib/terraform/runner';

export const FLEET_FLAGS = ['spot', 'arch', 'autoscaling', 'catchUp', 'quarantines'] as const;
export type FleetFlag = (typeof FLEET_FLAGS)[number];
export type FleetFlagStates = Readonly<Record<FleetFlag, boolean>>;

export const ALL_OFF: FleetFlagStates = { spot: false, arch: false, autoscaling: false, catchUp: false, quarantines: false };

/** A fixed expiry, so synthesized output does not depend on the clock. */
export const CATCH_UP_EXPIRES_AT = '2026-11-24T18:00:00Z';
/** The time the fleet stack is synthesized for: before CATCH_UP_EXPIRES_AT, never the clock. */
export const SYNTH_NOW = new Date('2026-11-21T12:00:00Z');

/** The two quarantines of the "on" state. */
export const QUARANTINES_ON = [
  { name: 'acme', pathPatterns: ['/1/events/acme-*', '/1/batch/acme-*'], instanceCount: 1, buildId: '2026.11.20-1-debug' },
  { name: 'globex', pathPatterns: ['/1/events/globex-*'], instanceCount: 2, arch: 'amd64' as const, instanceType: 'c7i.large' },
];

type RawFlags = FlagsInput & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The sandbox flags with the five fleet flags set as given:
 * - spot: off = all on-demand (100%, base 0); on = base 1, 25% on-demand above it;
 * - arch: off = amd64; on = arm64 (Graviton);
 * - autoscaling: off = fixed size; on = target tracking on CPU at 60%;
 * - catchUp: off; on = 3 spot instances expiring at CATCH_UP_EXPIRES_AT;
 * - quarantines: off = none; on = QUARANTINES_ON (two entries).
 * `edit` may change the raw input further before it is parsed.
 */
export function fleetFlags(states: Partial<FleetFlagStates> = {}, edit: (raw: RawFlags) => void = () => {}): Flags {
  const s = { ...ALL_OFF, ...states };
  const raw = JSON.parse(readFileSync('flags/sandbox.json', 'utf8')) as RawFlags;
  raw.arch = s.arch ? 'arm64' : 'amd64';
  raw.ingest.spot = s.spot
    ? { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 25 }
    : { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 };
  raw.ingest.autoscaling = { enabled: s.autoscaling, metric: 'cpu', targetValue: 60 };
  raw.catchUp = s.catchUp ? { enabled: true, expiresAt: CATCH_UP_EXPIRES_AT, size: 3, backfillMinutes: 2880 } : { enabled: false };
  raw.quarantines = s.quarantines ? structuredClone(QUARANTINES_ON) : [];
  edit(raw);
  return FlagsSchema.parse(raw);
}

/** Every combination of the five flags: 32. */
export function allCombinations(): FleetFlagStates[] {
  return Array.from({ length: 1 << FLEET_FLAGS.length }, (_, bits) =>
    Object.fromEntries(FLEET_FLAGS.map((f, i) => [f, (bits & (1 << i)) !== 0])) as unknown as FleetFlagStates,
  );
}

export const comboName = (s: FleetFlagStates) => FLEET_FLAGS.map((f) => `${f}=${s[f] ? 'on' : 'off'}`).join(',');

/** Resources of a synthesized stack as "type.name" -> config. */
export function resourcesOf(stack: StackJson): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [type, byName] of Object.entries((stack.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [name, config] of Object.entries(byName)) out.set(`${type}.${name}`, config);
  }
  return out;
}

/** The sandbox's fleet environment, for construct tests of one fleet. */
export const SANDBOX_FLEET_ENVIRONMENT: FleetEnvironment = {
  environment: 'sandbox',
  namePrefix: 'fleetflags-sandbox',
  arnContext: arnContext({ aws: { region: 'us-east-1', accountId: '000000000000', offline: true } }),
  subnetIds: ['subnet-1', 'subnet-2'],
  securityGroupId: 'sg-instances',
  lockTableName: 'fleetflags-sandbox-locks',
  accessLogsBucket: 'fleetflags-sandbox-access-logs',
  accessLogsPrefix: 'alb',
  artifactsBucket: 'fleetflags-sandbox-artifacts',
  agentPort: 8080,
  healthCheckPath: '/healthz',
};
