import { flagsProblems, type FlagsProblem } from '../../errors';
import { repeats } from './repeats';
import type { FlagsRule } from './rule';

/**
 * Each subnet is listed once. The schema wants at least two, for the load balancer's two
 * Availability Zones; the same ID twice passes that count with one subnet, and AWS refuses
 * the load balancer only at apply time, after the pull request.
 */
export const SubnetsDistinct: FlagsRule = {
  id: 'SubnetsDistinct',
  description: 'Each network.subnetIds entry is listed once.',
  check: ({ file, flags }) => {
    const ids = flags.network.subnetIds;
    return repeats(ids).map(({ index, first }): FlagsProblem =>
      flagsProblems.duplicateSubnet(file, `$.network.subnetIds[${index}]`, ids[index], `$.network.subnetIds[${first}]`),
    );
  },
};
