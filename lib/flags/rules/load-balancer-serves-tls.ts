import { flagsProblems, type FlagsProblem } from '../../errors';
import { isAwsEnvironment } from '../schema';
import type { FlagsRule } from './rule';

/**
 * The load balancer is internet-facing; in an AWS environment it must listen with
 * TLS (network.certificateArn), or logs travel in plain HTTP from anywhere in
 * network.ingressCidrs. The offline sandbox is exempt: it never reaches AWS.
 */
export const LoadBalancerServesTls: FlagsRule = {
  id: 'LoadBalancerServesTls',
  description: 'An AWS environment\'s internet-facing load balancer has a certificate (HTTPS).',
  check: ({ file, environment, flags }) => {
    const problems: FlagsProblem[] = [];
    if (!isAwsEnvironment(flags) || flags.network.certificateArn !== undefined) return problems;
    problems.push(flagsProblems.plainHttpOnInternet(file, environment, flags.network.ingressCidrs));
    return problems;
  },
};
