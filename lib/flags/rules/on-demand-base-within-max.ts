import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * The on-demand base capacity fits in the fleet: a base above the largest size
 * would silently make the whole fleet on-demand, which is not what the ratio says.
 */
export const OnDemandBaseWithinMax: FlagsRule = {
  id: 'OnDemandBaseWithinMax',
  description: 'Each fleet\'s on-demand base capacity is at most its largest size.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const { spot, maxSize } = flags.ingest;
    if (spot.onDemandBaseCapacity > maxSize) {
      problems.push(flagsProblems.onDemandBaseAboveMax(file, '$.ingest.spot.onDemandBaseCapacity', spot.onDemandBaseCapacity, maxSize, '$.ingest.maxSize'));
    }
    const catchUp = flags.catchUp;
    if (catchUp.enabled && catchUp.spot.onDemandBaseCapacity > catchUp.size) {
      problems.push(
        flagsProblems.onDemandBaseAboveMax(file, '$.catchUp.spot.onDemandBaseCapacity', catchUp.spot.onDemandBaseCapacity, catchUp.size, '$.catchUp.size'),
      );
    }
    return problems;
  },
};
