/**
 * Issue 11: each environment's GitHub Actions roles are derived from its flags (its
 * account, its region's partition, the names the <env>-access stack gives them),
 * not one repository-wide ARN across accounts.
 */
import { Testing } from 'cdktf';
import { githubRoleArn, roleOutputs } from '../../../lib/access/role-arns';
import { ExitCode } from '../../../lib/errors';
import { main } from '../../../scripts/role-arn';
import { AccessStack } from '../../../stacks/access-stack';
import { shippedFlags } from '../../helpers/flags-fixtures';
import { testApp } from '../../helpers/cdktf-app';
import { newEnvironmentName } from '../../helpers/environments';

describe('role ARNs from the flags', () => {
  test('GIVEN dogfood and production WHEN derived THEN each names its own account and the access stack\'s role names', () => {
    expect(githubRoleArn(shippedFlags('dogfood'), 'plan')).toBe('arn:aws:iam::111122223333:role/fleetflags-dogfood-github-plan');
    expect(githubRoleArn(shippedFlags('dogfood'), 'deploy')).toBe('arn:aws:iam::111122223333:role/fleetflags-dogfood-github-deploy');
    expect(githubRoleArn(shippedFlags('production'), 'plan')).toBe('arn:aws:iam::444455556666:role/fleetflags-production-github-plan');
    expect(githubRoleArn(shippedFlags('production'), 'deploy')).toBe('arn:aws:iam::444455556666:role/fleetflags-production-github-deploy');
  });

  test('GIVEN the access stack WHEN synthesized THEN its roles carry exactly the names the ARNs use', () => {
    for (const env of ['dogfood', 'production']) {
      const flags = shippedFlags(env) as ConstructorParameters<typeof AccessStack>[2]['flags'];
      const parsed = JSON.parse(Testing.synth(new AccessStack(testApp(), `${env}-access`, { flags })));
      const names = (Object.values(parsed.resource.aws_iam_role) as { name: string }[]).map((r) => r.name).sort();
      expect(names.map((n) => `arn:aws:iam::${flags.aws.accountId}:role/${n}`)).toEqual([githubRoleArn(flags, 'deploy'), githubRoleArn(flags, 'plan')]);
    }
  });

  test('GIVEN a GovCloud region WHEN derived THEN the partition follows it', () => {
    const flags = { ...shippedFlags('production'), aws: { ...shippedFlags('production').aws, region: 'us-gov-west-1' } };
    expect(githubRoleArn(flags, 'plan')).toBe('arn:aws-us-gov:iam::444455556666:role/fleetflags-production-github-plan');
  });

  test('GIVEN the sandbox (no access) WHEN derived THEN it is an error that says what to add', () => {
    expect(() => githubRoleArn(shippedFlags('sandbox'), 'plan')).toThrow(/flags\/sandbox\.json: sandbox has no "access" section/);
  });

  test('GIVEN npm run role-arn WHEN run THEN it prints the step outputs for configure-aws-credentials', () => {
    const lines: string[] = [];
    expect(main(['--env', 'production', '--role', 'deploy'], (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual(['role-arn=arn:aws:iam::444455556666:role/fleetflags-production-github-deploy', 'aws-region=us-east-1']);
    expect(roleOutputs(shippedFlags('dogfood'), 'plan')).toEqual(['role-arn=arn:aws:iam::111122223333:role/fleetflags-dogfood-github-plan', 'aws-region=us-east-1']);
    expect(() => main(['--env', 'production', '--role', 'admin'], () => undefined)).toThrow(expect.objectContaining({ exitCode: ExitCode.Usage }));
    const unknown = newEnvironmentName();
    expect(() => main(['--env', unknown, '--role', 'plan'], () => undefined)).toThrow(new RegExp(`Unknown environment "${unknown}"`));
  });
});
