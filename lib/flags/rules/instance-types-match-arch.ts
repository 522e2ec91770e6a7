import { archOfInstanceType } from '../../arch';
import { flagsProblems, type FlagsProblem } from '../../errors';
import type { Arch } from '../schema';
import type { FlagsRule } from './rule';

/** An instance type set by hand is of the fleet's architecture. */
export const InstanceTypesMatchArch: FlagsRule = {
  id: 'InstanceTypesMatchArch',
  description: 'Hand-picked instance types match the fleet architecture, or the AMI would not boot.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const check = (types: readonly string[] | undefined, path: string, fleetArch: Arch | undefined, archPath: string) => {
      const arch = fleetArch ?? flags.arch;
      const from = fleetArch ? archPath : '$.arch';
      types?.forEach((t, i) => {
        if (archOfInstanceType(t) !== arch) {
          problems.push(flagsProblems.instanceTypeArchMismatch(file, path.includes('[') || types.length === 1 && path.endsWith('instanceType') ? path : `${path}[${i}]`, t, arch, from));
        }
      });
    };
    check(flags.ingest.instanceTypes, '$.ingest.instanceTypes', flags.ingest.arch, '$.ingest.arch');
    if (flags.catchUp.enabled) check(flags.catchUp.instanceTypes, '$.catchUp.instanceTypes', flags.catchUp.arch, '$.catchUp.arch');
    flags.quarantines.forEach((q, i) => {
      if (q.instanceType) check([q.instanceType], `$.quarantines[${i}].instanceType`, q.arch, `$.quarantines[${i}].arch`);
    });
    return problems;
  },
};
