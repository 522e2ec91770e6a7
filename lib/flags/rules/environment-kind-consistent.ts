import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * An offline environment, or an emulated one (aws.endpoint: the sandbox), has local
 * state and is never deployed by CI's promotion; an AWS environment keeps its state
 * in S3 with locking. Production fails closed when
 * the deploy-freeze service cannot be reached.
 */
export const EnvironmentKindConsistent: FlagsRule = {
  id: 'EnvironmentKindConsistent',
  description: 'Offline and emulated environments use local state and no promotion; AWS environments use S3 state.',
  check: ({ file, environment, flags }) => {
    const problems: FlagsProblem[] = [];
    if (flags.aws.offline || flags.aws.endpoint !== undefined) {
      if (flags.state.backend !== 'local') problems.push(flagsProblems.offlineNeedsLocalState(file, flags.state.backend));
      if (flags.deploy) problems.push(flagsProblems.offlineDeploy(file, flags.deploy));
    } else if (flags.state.backend === 'local') {
      problems.push(flagsProblems.localStateOnline(file));
    }
    if (environment === 'production' && flags.deploy?.freezeWhenFlagServiceUnreachable === false) {
      problems.push(flagsProblems.productionFailOpen(file));
    }
    return problems;
  },
};
