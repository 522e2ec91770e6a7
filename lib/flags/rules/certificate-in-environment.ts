import { flagsProblems, type FlagsProblem } from '../../errors';
import { arnPartition } from '../../naming';
import type { FlagsRule } from './rule';

/**
 * The HTTPS listener's certificate is in the environment's partition, region and
 * account: a load balancer can only use ACM certificates of its own region and
 * account. The plan cannot tell; the listener would fail at apply, after the rest
 * of the stack. The classic mistake is a CloudFront certificate from us-east-1.
 */
export const CertificateInEnvironment: FlagsRule = {
  id: 'CertificateInEnvironment',
  description: 'network.certificateArn is an ACM certificate of the environment\'s own region and account.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const arn = flags.network.certificateArn;
    if (arn === undefined) return problems;
    const [, partition, , region, accountId] = arn.split(':');
    const { region: envRegion, accountId: envAccount } = flags.aws;
    const mismatches: string[] = [];
    if (region !== envRegion) mismatches.push(`in region ${region}, not ${envRegion}`);
    else if (partition !== arnPartition(envRegion)) mismatches.push(`in partition ${partition}, not ${arnPartition(envRegion)}`);
    if (accountId !== envAccount) mismatches.push(`in account ${accountId}, not ${envAccount}`);
    if (mismatches.length > 0) {
      problems.push(flagsProblems.certificateOutsideEnvironment(file, '$.network.certificateArn', arn, mismatches.join(' and '), envRegion, envAccount));
    }
    return problems;
  },
};
