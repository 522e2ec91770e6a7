import { flagsProblems, type FlagsProblem } from '../../errors';
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
    const problems: FlagsProblem[] = [];
    const seen = new Map<string, string>();
    flags.network.subnetIds.forEach((id, i) => {
      const path = `$.network.subnetIds[${i}]`;
      const other = seen.get(id);
      if (other) problems.push(flagsProblems.duplicateSubnet(file, path, id, other));
      else seen.set(id, path);
    });
    return problems;
  },
};
