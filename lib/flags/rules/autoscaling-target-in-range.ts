import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/** The largest meaningful CPU target, in percent. */
export const MAX_CPU_TARGET_PERCENT = 100;

/**
 * A CPU target-tracking value is a percentage: above 100 the policy would never
 * scale out. (Requests per target have no such bound.)
 */
export const AutoscalingTargetInRange: FlagsRule = {
  id: 'AutoscalingTargetInRange',
  description: `A CPU autoscaling target is a percentage, at most ${MAX_CPU_TARGET_PERCENT}.`,
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const { enabled, metric, targetValue } = flags.ingest.autoscaling;
    if (enabled && metric === 'cpu' && targetValue > MAX_CPU_TARGET_PERCENT) {
      problems.push(flagsProblems.cpuTargetAbove100(file, '$.ingest.autoscaling.targetValue', targetValue));
    }
    return problems;
  },
};
