import { flagsProblems, type FlagsProblem } from '../../errors';
import { quarantineTargetGroupName } from '../../naming';
import type { FlagsRule } from './rule';

/** AWS's limit on target-group (and load-balancer) names. */
export const MAX_TARGET_GROUP_NAME_LENGTH = 32;

/** The target-group name derived from the environment and the quarantine name fits AWS's 32 characters. */
export const QuarantineTargetGroupNamesFit: FlagsRule = {
  id: 'QuarantineTargetGroupNamesFit',
  description: `Quarantine target-group names, "ff-<environment>-q-<name>", are at most ${MAX_TARGET_GROUP_NAME_LENGTH} characters.`,
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    flags.quarantines.forEach((q, i) => {
      const name = quarantineTargetGroupName(flags.environment, q.name);
      if (name.length > MAX_TARGET_GROUP_NAME_LENGTH) {
        problems.push(flagsProblems.targetGroupNameTooLong(file, `$.quarantines[${i}].name`, q.name, name, MAX_TARGET_GROUP_NAME_LENGTH));
      }
    });
    return problems;
  },
};
