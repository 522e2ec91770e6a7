import { archOfInstanceType } from '../../arch';
import { flagsProblems, type FlagsProblem } from '../../errors';
import type { Arch } from '../schema';
import type { FlagsRule } from './rule';

/**
 * An instance type set by hand is of the fleet's architecture: an arm64 AMI does not
 * boot on an x86-64 instance, and the launch would fail only at apply time.
 */
export const InstanceTypesMatchArch: FlagsRule = {
  id: 'InstanceTypesMatchArch',
  description: 'Hand-picked instance types match the fleet architecture, or the AMI would not boot.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    /** `types` as [path, type] pairs; `fleetArch` from `archPath` or else the top-level arch. */
    const check = (types: ReadonlyArray<readonly [string, string]>, fleetArch: Arch | undefined, archPath: string) => {
      const arch = fleetArch ?? flags.arch;
      const from = fleetArch ? archPath : '$.arch';
      for (const [path, type] of types) {
        if (archOfInstanceType(type) !== arch) problems.push(flagsProblems.instanceTypeArchMismatch(file, path, type, arch, from));
      }
    };
    const list = (types: readonly string[] | undefined, path: string) => (types ?? []).map((t, i) => [`${path}[${i}]`, t] as const);

    check(list(flags.ingest.instanceTypes, '$.ingest.instanceTypes'), flags.ingest.arch, '$.ingest.arch');
    if (flags.catchUp.enabled) check(list(flags.catchUp.instanceTypes, '$.catchUp.instanceTypes'), flags.catchUp.arch, '$.catchUp.arch');
    flags.quarantines.forEach((q, i) => {
      if (q.instanceType) check([[`$.quarantines[${i}].instanceType`, q.instanceType]], q.arch, `$.quarantines[${i}].arch`);
    });
    return problems;
  },
};
