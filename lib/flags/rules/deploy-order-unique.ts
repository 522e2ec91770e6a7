import { flagsProblems } from '../../errors';
import type { FlagsRule } from './rule';

/** Two environments cannot share a place in the promotion order. */
export const DeployOrderUnique: FlagsRule = {
  id: 'DeployOrderUnique',
  description: 'Each deployed environment has its own position in the promotion order.',
  check: (entry, { all }) => {
    const order = entry.flags.deploy?.order;
    if (order === undefined) return [];
    return all
      .filter((o) => o !== entry && o.flags.deploy?.order === order)
      .map((o) => flagsProblems.duplicateDeployOrder(entry.file, order, o.file));
  },
};
