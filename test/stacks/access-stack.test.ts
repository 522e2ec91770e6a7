/**
 * Finding 1 (issue 11): access roles as code. The <env>-access stack, synthesized
 * from the shipped flags and asserted with matchers; Terraform judges it with the
 * other stacks in test/stacks/terraform.test.ts.
 */
import { Testing } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { buildApp } from '../../stacks/app';
import { AccessStack } from '../../stacks/access-stack';
import { loadFlagsOrThrow } from '../../lib/flags/load';
import { deployRolePolicy, planRolePolicy, type PolicyDocument } from '../../lib/access/policies';
import { shippedFlags } from '../helpers/flags-fixtures';
import { testApp } from '../helpers/cdktf-app';
import { environmentsWithAccess, loadGeneratorInput } from '../../lib/github/workflow-gen';

const synthFor = (environment: string, edit: (f: any) => void = () => undefined) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const flags = shippedFlags(environment) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  edit(flags);
  const app = testApp();
  const stack = new AccessStack(app, `${environment}-access`, { flags });
  return { json: Testing.synth(stack), parsed: JSON.parse(Testing.synth(stack)) };
};
const roles = (parsed: any) => Object.values(parsed.resource.aws_iam_role) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
const roleNamed = (parsed: any, name: string) => roles(parsed).find((r) => r.name === name); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the access stack', () => {
  it('exists for every AWS environment with access, never for the sandbox', () => {
    const app = buildApp(loadFlagsOrThrow());
    const names = app.node.children.map((c) => c.node.id).filter((n) => n.endsWith('-access')).sort();
    expect(names).toEqual(environmentsWithAccess(loadGeneratorInput()).map((e) => `${e}-access`).sort());
    expect(names).toEqual(expect.arrayContaining(['dogfood-access', 'production-access']));
    expect(names).not.toContain('sandbox-access');
  });

  it('has the GitHub OIDC provider and two roles, state in the environment\'s bucket', () => {
    const { json, parsed } = synthFor('production');
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    expect(roles(parsed).map((r) => r.name).sort()).toEqual(['fleetflags-production-github-deploy', 'fleetflags-production-github-plan']);
    expect(json).toHaveResourceWithProperties(IamRole, { name: 'fleetflags-production-github-deploy', max_session_duration: 3600 });
    expect(parsed.terraform.backend.s3).toMatchObject({ bucket: 'fleetflags-terraform-state-444455556666', key: 'fleetflags/production-access.tfstate' });
  });

  it('trusts the deploy role only for the repository\'s GitHub environment, with StringEquals', () => {
    const { parsed } = synthFor('production');
    const trust = JSON.parse(roleNamed(parsed, 'fleetflags-production-github-deploy').assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:acme/fleetflags:environment:production',
          },
        },
      },
    ]);
    expect(JSON.stringify(trust)).not.toMatch(/StringLike|\*/);
  });

  it('adds the deploy workflow on main as job_workflow_ref when the customized subject claim is set', () => {
    const { parsed } = synthFor('production', (f) => (f.access.jobWorkflowRef = true));
    const trust = JSON.parse(roleNamed(parsed, 'fleetflags-production-github-deploy').assume_role_policy);
    expect(trust.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:job_workflow_ref']).toBe(
      'acme/fleetflags/.github/workflows/deploy.yml@refs/heads/main',
    );
  });

  it('trusts the plan role for pull requests and main of the repository only', () => {
    const { parsed } = synthFor('dogfood');
    const trust = JSON.parse(roleNamed(parsed, 'fleetflags-dogfood-github-plan').assume_role_policy);
    expect(trust.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:acme/fleetflags:pull_request',
      'repo:acme/fleetflags:ref:refs/heads/main',
    ]);
  });
});

describe('least privilege', () => {
  const actionsOf = (doc: PolicyDocument, effect = 'Allow') => doc.Statement.filter((s) => s.Effect === effect).flatMap((s) => [s.Action].flat());
  const flags = shippedFlags('production') as Parameters<typeof planRolePolicy>[0];

  it('the plan role reads configuration and state, takes the lock, writes the saved plans of deploy runs, and writes nothing else', () => {
    const doc = planRolePolicy(flags);
    const writes = actionsOf(doc).filter((a) => /:(Put|Create|Delete|Update|Run|Attach|Pass)/.test(a) || a.endsWith(':*'));
    expect(writes.sort()).toEqual(['s3:DeleteObject', 's3:PutObject', 's3:PutObject']); // the lock files; the saved plans (below)
    const lock = doc.Statement.find((s) => s.Sid === 'LockState')!;
    expect(lock.Resource).toEqual([
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-data.tfstate.tflock',
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-fleet.tfstate.tflock',
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-access.tfstate.tflock',
    ]);
    // No object reads from the data buckets: logs and builds are not the plan's business.
    expect(doc.Statement.filter((s) => [s.Action].flat().includes('s3:GetObject')).flatMap((s) => [s.Resource].flat()).every((r) => r!.includes('terraform-state'))).toBe(true);
  });

  it('the deploy role manages its environment\'s resources and is denied the access stack and its state', () => {
    const doc = deployRolePolicy(flags);
    expect(doc.Statement.find((s) => s.Sid === 'ManageInstanceRoles')!.Resource).toEqual([
      'arn:aws:iam::444455556666:role/fleetflags-production-*',
      'arn:aws:iam::444455556666:instance-profile/fleetflags-production-*',
    ]);
    expect(doc.Statement.find((s) => s.Sid === 'DenyAccessStack')).toMatchObject({
      Effect: 'Deny',
      Action: ['iam:*'],
      Resource: [
        'arn:aws:iam::444455556666:role/fleetflags-production-github-plan',
        'arn:aws:iam::444455556666:role/fleetflags-production-github-deploy',
        'arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com',
      ],
    });
    expect(doc.Statement.find((s) => s.Sid === 'DenyAccessState')!.Resource).toEqual(['arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-access.tfstate']);
    expect(doc.Statement.find((s) => s.Sid === 'WriteState')!.Resource).toEqual([
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-data.tfstate',
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-fleet.tfstate',
    ]);
    // Stateful resources are never deleted by the deploy role.
    expect(actionsOf(doc)).not.toEqual(expect.arrayContaining(['s3:DeleteBucket']));
    expect(actionsOf(doc).some((a) => a === 'dynamodb:DeleteTable' || a === 'dynamodb:*' || a === 's3:*' || a === 'iam:*' || a === '*')).toBe(false);
  });

  it('the plan role reads, and the deploy role manages, the fleet stack\'s alarms, dashboard and alarm topic, by the environment\'s prefix only', () => {
    // GIVEN production's flags WHEN the two policies are made
    const read = planRolePolicy(flags).Statement.find((s) => s.Sid === 'ReadMonitoring')!;
    const manage = deployRolePolicy(flags).Statement.find((s) => s.Sid === 'ManageMonitoring')!;
    // THEN both name only production's monitoring resources
    const resources = [
      'arn:aws:cloudwatch:us-east-1:444455556666:alarm:fleetflags-production-*',
      'arn:aws:cloudwatch::444455556666:dashboard/fleetflags-production-*',
      'arn:aws:sns:us-east-1:444455556666:fleetflags-production-*',
    ];
    expect(read.Resource).toEqual(resources);
    expect(manage.Resource).toEqual(resources);
    // AND the plan role only reads; the deploy role can create, change and delete them
    expect([read.Action].flat().filter((a) => /:(Put|Create|Delete|Set|Subscribe|Tag)/.test(a))).toEqual([]);
    expect([manage.Action].flat()).toEqual(expect.arrayContaining(['cloudwatch:PutMetricAlarm', 'cloudwatch:PutDashboard', 'sns:CreateTopic', 'sns:Subscribe']));
  });
});

describe('saved plans in the state bucket (issue 11, findings 4 and 9)', () => {
  // The synthesized inline policies, as Terraform receives them.
  const policiesOf = (environment: string) => {
    const { parsed } = synthFor(environment);
    const byRole = new Map<string, PolicyDocument>();
    for (const p of Object.values(parsed.resource.aws_iam_role_policy) as { role: string; policy: string }[]) {
      // role is a reference such as "${aws_iam_role.PlanRole_Role_1234.name}"
      byRole.set(p.role.includes('PlanRole') ? 'plan' : p.role.includes('DeployRole') ? 'deploy' : p.role, JSON.parse(p.policy));
    }
    return byRole;
  };
  const objectActions = (doc: PolicyDocument, resource: string) =>
    doc.Statement.filter((s) => s.Effect === 'Allow' && [s.Resource].flat().includes(resource)).flatMap((s) => [s.Action].flat()).sort();
  const SAVED = 'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/saved-plans/*/production/*';

  it('GIVEN production WHEN synthesized THEN the plan role may only write its saved plans, and put objects nowhere else but its lock files', () => {
    const plan = policiesOf('production').get('plan')!;
    expect(objectActions(plan, SAVED)).toEqual(['s3:PutObject']);
    const puts = plan.Statement.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('s3:PutObject')).flatMap((s) => [s.Resource].flat());
    expect(puts.sort()).toEqual([
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-access.tfstate.tflock',
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-data.tfstate.tflock',
      'arn:aws:s3:::fleetflags-terraform-state-444455556666/fleetflags/production-fleet.tfstate.tflock',
      SAVED,
    ]);
    // It never reads a saved plan back (the deploy job does).
    expect(plan.Statement.some((s) => [s.Action].flat().includes('s3:GetObject') && [s.Resource].flat().includes(SAVED))).toBe(false);
  });

  it('GIVEN production WHEN synthesized THEN the deploy role reads and deletes its saved plans, and writes none', () => {
    const deploy = policiesOf('production').get('deploy')!;
    expect(objectActions(deploy, SAVED)).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(deploy.Statement.some((s) => [s.Action].flat().includes('s3:PutObject') && [s.Resource].flat().some((r) => r!.includes('saved-plans')))).toBe(false);
  });

  it('GIVEN dogfood WHEN synthesized THEN its roles name its own account, bucket and environment only', () => {
    const policies = policiesOf('dogfood');
    const text = JSON.stringify([...policies.values()]);
    expect(text).toContain('arn:aws:s3:::fleetflags-terraform-state-111122223333/fleetflags/saved-plans/*/dogfood/*');
    expect(text).not.toMatch(/production|444455556666/);
  });
});
