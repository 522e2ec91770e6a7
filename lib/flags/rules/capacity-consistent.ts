import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * The main fleet's sizes do not contradict each other: minSize <= desiredCapacity
 * <= maxSize. AWS refuses the group otherwise, after the rest of the stack applied.
 */
export const CapacityConsistent: FlagsRule = {
  id: 'CapacityConsistent',
  description: 'The main fleet\'s minSize <= desiredCapacity <= maxSize.',
  check: ({ file, flags }) => {
    const { minSize, maxSize, desiredCapacity } = flags.ingest;
    if (minSize > maxSize) {
      // Reported once: with the bounds crossed, the desired capacity cannot be judged.
      return [flagsProblems.capacityContradiction(file, '$.ingest.minSize', minSize, `at most maxSize (${maxSize})`)];
    }
    const problems: FlagsProblem[] = [];
    if (desiredCapacity < minSize || desiredCapacity > maxSize) {
      problems.push(
        flagsProblems.capacityContradiction(file, '$.ingest.desiredCapacity', desiredCapacity, `between minSize (${minSize}) and maxSize (${maxSize})`),
      );
    }
    return problems;
  },
};
