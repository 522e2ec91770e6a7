import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/** minSize <= desiredCapacity <= maxSize, and the on-demand base fits in the fleet. */
export const CapacityConsistent: FlagsRule = {
  id: 'CapacityConsistent',
  description: 'Fleet sizes do not contradict each other; the on-demand base capacity fits in the fleet.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const { minSize, maxSize, desiredCapacity, spot } = flags.ingest;
    if (minSize > maxSize) {
      problems.push(flagsProblems.capacityContradiction(file, '$.ingest.minSize', minSize, `at most maxSize (${maxSize})`));
    }
    if (desiredCapacity < minSize || desiredCapacity > maxSize) {
      problems.push(
        flagsProblems.capacityContradiction(file, '$.ingest.desiredCapacity', desiredCapacity, `between minSize (${minSize}) and maxSize (${maxSize})`),
      );
    }
    if (spot.onDemandBaseCapacity > maxSize) {
      problems.push(flagsProblems.onDemandBaseAboveMax(file, '$.ingest.spot.onDemandBaseCapacity', spot.onDemandBaseCapacity, maxSize));
    }
    if (flags.catchUp.enabled && flags.catchUp.spot.onDemandBaseCapacity > flags.catchUp.size) {
      problems.push(
        flagsProblems.onDemandBaseAboveMax(file, '$.catchUp.spot.onDemandBaseCapacity', flags.catchUp.spot.onDemandBaseCapacity, flags.catchUp.size),
      );
    }
    return problems;
  },
};
