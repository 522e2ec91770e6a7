import { flagsProblems, type FlagsProblem } from '../../errors';
import { isAwsEnvironment } from '../schema';
import type { FlagsRule } from './rule';

/**
 * Every environment CI deploys says who may deploy it (`access`: the repository its
 * <environment>-access stack trusts), and production requires an approver. Without
 * it, who gets deploy credentials would depend on settings that live nowhere in git.
 */
export const DeployedEnvironmentHasAccess: FlagsRule = {
  id: 'DeployedEnvironmentHasAccess',
  description: 'An environment CI deploys has "access"; production requires approval.',
  check: ({ file, environment, flags }) => {
    const problems: FlagsProblem[] = [];
    if (!isAwsEnvironment(flags) || flags.deploy === undefined) return problems;
    if (!flags.access) problems.push(flagsProblems.deployedWithoutAccess(file, environment));
    else if (environment === 'production' && !flags.access.requireApproval) {
      problems.push(flagsProblems.productionWithoutApproval(file, flags.access.requireApproval));
    }
    return problems;
  },
};
