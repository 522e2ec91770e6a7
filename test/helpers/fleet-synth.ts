/** Synthesis of the fleet stack alone, for fleet-stack tests (flags from ./fleet-flags.ts). */
import { Testing } from 'cdktf';
import type { Flags } from '../../lib/flags/schema';
import { fleetStackName } from '../../lib/naming';
import type { StackJson } from '../../lib/terraform/runner';
import { FleetStack } from '../../stacks/fleet-stack';
import { testApp } from './cdktf-app';
import { SYNTH_NOW } from './fleet-flags';

/** The synthesized fleet stack (Terraform JSON) of `flags`: a fresh object each call (see synthFleetString). */
export function synthFleetStack(flags: Flags, now: Date = SYNTH_NOW): StackJson {
  return JSON.parse(synthFleetString(flags, now)) as StackJson;
}

/** Each distinct (flags, now) of this test file, synthesized: synthesis is deterministic, so the same input is synthesized once. */
const synthesized = new Map<string, string>();

/** The synthesized fleet stack as the string cdktf's matchers take. */
export function synthFleetString(flags: Flags, now: Date = SYNTH_NOW): string {
  const key = `${now.toISOString()} ${JSON.stringify(flags)}`;
  let out = synthesized.get(key);
  if (out === undefined) {
    out = Testing.synth(new FleetStack(testApp(), fleetStackName(flags.environment), { flags, now }));
    synthesized.set(key, out);
  }
  return out;
}
