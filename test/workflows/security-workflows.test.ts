/**
 * Issue 11, the workflow findings, read from the YAML: credentials come last (8),
 * no state in artifacts (9), hygiene (13), the deploy matrix from main (3), plan →
 * approve → apply the exact file (4), rollback input and emergency push (5), the
 * dispatch after a token push (6), break glass (7), and who can write the history (12).
 *
 * @reads .github/workflows/*.yml
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { environmentsWithAccess, loadGeneratorInput } from '../../lib/github/workflow-gen';

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string };
type Job = {
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  environment?: string;
  needs?: string | string[];
  if?: string;
  steps: Step[];
};
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; jobs: Record<string, Job> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIR = '.github/workflows';
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const load = (name: string) => parse(readFileSync(`${DIR}/${name}`, 'utf8')) as Workflow;
const everyJob = files.flatMap((f) => Object.entries(load(f).jobs).map(([id, job]) => [`${f} ${id}`, job] as const));

describe('credentials come last (finding 8)', () => {
  it.each(everyJob)('%s: every checkout keeps no token (persist-credentials: false)', (_, job) => {
    for (const s of job.steps.filter((s) => s.uses?.startsWith('actions/checkout'))) expect(s.with?.['persist-credentials']).toBe(false);
  });

  it.each(everyJob)('%s: npm ci runs no install scripts, and before any AWS credentials', (_, job) => {
    const ci = job.steps.findIndex((s) => s.run?.trim().startsWith('npm ci'));
    for (const s of job.steps.filter((s) => s.run?.includes('npm ci'))) expect(s.run!.trim()).toBe('npm ci --ignore-scripts');
    const aws = job.steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
    if (aws >= 0) expect(ci).toBeGreaterThanOrEqual(0);
    if (aws >= 0) expect(ci).toBeLessThan(aws);
  });
});

describe('no state in artifacts (finding 9)', () => {
  const uploads = files.flatMap((f) =>
    Object.entries(load(f).jobs).flatMap(([id, job]) => job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact')).map((s) => ({ where: `${f} ${id}`, step: s }))),
  );

  it('every artifact is kept at most 14 days', () => {
    expect(uploads.length).toBeGreaterThan(0);
    for (const { step } of uploads) expect(Number(step.with?.['retention-days'])).toBeLessThanOrEqual(14);
  });

  it('the deploy uploads its record and the saved plan\'s manifest (hashes, no plan) only; the binary plan never becomes an artifact', () => {
    const deploy = uploads.filter((u) => u.where.startsWith('deploy.yml'));
    expect(deploy.map((u) => [u.where, u.step.with?.path, u.step.with?.['retention-days']])).toEqual([
      ['deploy.yml plan', '${{ runner.temp }}/saved-plan/manifest.json', 1],
      ['deploy.yml deploy', 'out/deploy/${{ matrix.environment }}.json', 14],
    ]);
    // No artifact of any workflow names a directory or file that holds a binary plan.
    for (const { step } of uploads) expect(String(step.with?.path)).not.toMatch(/tfplan|saved-plan\/?$/);
  });

  it('the saved plan goes through the environment\'s state bucket under this run\'s key: the plan job uploads it, the approved job downloads, applies after the hash check, and deletes it', () => {
    const { plan, deploy } = load('deploy.yml').jobs;
    const runs = (job: Job) => job.steps.map((s) => s.run ?? s.uses ?? '');
    const p = runs(plan);
    const save = p.indexOf('npm run deploy -- --env "$DEPLOY_ENV" --plan-only --save-plan "$RUNNER_TEMP/saved-plan"');
    const upload = p.indexOf('npm run saved-plan -- upload --env "$DEPLOY_ENV" --dir "$RUNNER_TEMP/saved-plan"');
    const artifact = p.findIndex((r) => r.startsWith('actions/upload-artifact'));
    expect(save).toBeGreaterThan(0);
    expect(upload).toBeGreaterThan(save);
    expect(artifact).toBeGreaterThan(upload);
    const d = runs(deploy);
    const manifest = d.findIndex((r) => r.startsWith('actions/download-artifact'));
    const creds = d.findIndex((r) => r.startsWith('aws-actions/configure-aws-credentials'));
    const download = d.indexOf('npm run saved-plan -- download --env "$DEPLOY_ENV" --dir "$RUNNER_TEMP/saved-plan"');
    const apply = d.findIndex((r) => r.startsWith('npm run deploy -- --env "$DEPLOY_ENV" --apply-plan "$RUNNER_TEMP/saved-plan"'));
    const remove = d.indexOf('npm run saved-plan -- delete --env "$DEPLOY_ENV" --dir "$RUNNER_TEMP/saved-plan"');
    expect(deploy.steps[manifest].with).toMatchObject({ name: 'saved-plan-manifest-${{ matrix.environment }}' });
    expect([manifest, creds, download, apply, remove].every((i, n, a) => i >= 0 && (n === 0 || i > a[n - 1]))).toBe(true);
  });

  it('the plan of real state uploads only redacted JSON plans (no prior state, no plaintext sensitive value), never the binary plan', () => {
    const job = load('plan.yml').jobs.plan;
    const i = job.steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact'));
    // The step right before the upload rewrites every plan of the manifest (lib/plan/redact.ts).
    expect(job.steps[i - 1].run).toBe('npm run plan-comment -- redact --manifest out/plan/manifest.json');
    expect(String(job.steps[i].with?.path)).not.toMatch(/tfplan|out\/plan\/?$/);
    expect(Number(job.steps[i].with?.['retention-days'])).toBeLessThanOrEqual(3);
  });
});

describe('workflow hygiene (finding 13)', () => {
  it.each(everyJob)('%s has a timeout', (_, job) => {
    expect(job['timeout-minutes']).toEqual(expect.any(Number));
    expect(job['timeout-minutes']).toBeLessThanOrEqual(120);
  });

  it('the plan workflow runs for changes to code, scripts and tooling too', () => {
    expect(load('plan.yml').on.pull_request.paths).toEqual(
      expect.arrayContaining(['flags/**', 'stacks/**', 'lib/**', 'scripts/**', 'bin/**', 'package.json', 'package-lock.json', 'cdktf.json', 'tsconfig.json']),
    );
  });
});

describe('the deploy workflow', () => {
  const wf = load('deploy.yml');

  it('takes its environments from origin/main, as the access stack knows them (finding 3)', () => {
    const order = wf.jobs.order;
    expect(order.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth']).toBe(0);
    expect(order.steps.map((s) => s.run).filter(Boolean)).toContain('echo "environments=$(npm run --silent deploy -- --print-order --from-ref origin/main)" >> "$GITHUB_OUTPUT"');
  });

  it('plans with the read-only role, then the approved job applies exactly the saved plan (finding 4)', () => {
    const { plan, deploy } = wf.jobs;
    expect(plan.environment).toBeUndefined(); // no approval before the plan exists
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(plan.steps.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ steps.role.outputs.role-arn }}');
    expect(plan.steps.some((s) => s.run === 'npm run deploy -- --env "$DEPLOY_ENV" --plan-only --save-plan "$RUNNER_TEMP/saved-plan"')).toBe(true);
    expect(deploy.needs).toEqual(['order', 'plan']);
    expect(deploy.environment).toBe('${{ matrix.environment }}');
    const download = deploy.steps.findIndex((s) => s.run?.startsWith('npm run saved-plan -- download'));
    expect(deploy.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))?.with).toMatchObject({ name: 'saved-plan-manifest-${{ matrix.environment }}', path: '${{ runner.temp }}/saved-plan' });
    const run = deploy.steps.find((s) => s.run?.startsWith('npm run deploy'))!;
    expect(run.run).toBe('npm run deploy -- --env "$DEPLOY_ENV" --apply-plan "$RUNNER_TEMP/saved-plan" ${DEPLOY_ROLLBACK:+--rollback}');
    expect(deploy.steps.indexOf(run)).toBeGreaterThan(download);
  });

  it('can be dispatched as an explicit rollback, with an audited break-glass reason (findings 2, 6, 7)', () => {
    expect(wf.on.workflow_dispatch.inputs).toMatchObject({ rollback: { type: 'boolean', default: false }, 'break-glass-reason': { type: 'string' } });
    const run = wf.jobs.deploy.steps.find((s) => s.run?.startsWith('npm run deploy'))!;
    expect(run.env).toMatchObject({ DEPLOY_ROLLBACK: "${{ inputs.rollback && 'yes' || '' }}", FLEETFLAGS_BREAK_GLASS_REASON: '${{ inputs.break-glass-reason }}' });
  });

  it('is the only workflow that may write the deploy history (finding 12)', () => {
    const writers = everyJob.filter(([, job]) => job.permissions?.deployments === 'write').map(([id]) => id);
    expect(writers).toEqual(['deploy.yml deploy']);
    for (const f of files) expect(load(f).permissions?.deployments).not.toBe('write');
  });
});

describe('the rollback workflow (findings 5, 6)', () => {
  const wf = load('rollback.yml');

  it('pushes only from a job in the environment, whose reviewers approve', () => {
    expect(wf.jobs.push.environment).toBe('${{ inputs.environment }}');
    expect(wf.jobs.push.if).toBe('${{ inputs.push }}');
    expect(wf.jobs.pr.environment).toBeUndefined();
    expect(wf.jobs.pr.steps.some((s) => s.run?.includes('--push'))).toBe(false);
    expect(wf.jobs.push.steps.some((s) => s.run?.includes('--push'))).toBe(true);
  });

  it('may dispatch workflows (its own pushes and PRs start none), and nothing more than it needs', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.pr.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', deployments: 'read', actions: 'write' });
    expect(wf.jobs.push.permissions).toEqual({ contents: 'write', deployments: 'read', actions: 'write' });
  });

  it('the plan workflow can be dispatched for a rollback PR', () => {
    expect(load('plan.yml').on.workflow_dispatch.inputs.pr).toMatchObject({ required: true, type: 'string' });
  });
});

describe('each environment\'s own roles, derived from its flags (issue 11)', () => {
  /** Every credentials step, with the role-arn step that feeds it. */
  const credentialSteps = files.flatMap((f) =>
    Object.entries(load(f).jobs).flatMap(([id, job]) =>
      job.steps
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))
        .map(({ s }) => {
          const ref = /^\$\{\{ steps\.([\w-]+)\.outputs\.role-arn \}\}$/.exec(String(s.with?.['role-to-assume']));
          const source = job.steps.find((x) => (x as { id?: string }).id === ref?.[1]);
          return { where: `${f} ${id}`, step: s, source };
        }),
    ),
  );

  it('no workflow names a repository-wide role ARN variable (one ARN cannot serve several accounts)', () => {
    for (const f of files) expect(readFileSync(`${DIR}/${f}`, 'utf8')).not.toMatch(/vars\.FLEETFLAGS_\w*ROLE_ARN|vars\.AWS_REGION/);
    expect(credentialSteps.length).toBeGreaterThan(0);
  });

  it('every credentials step assumes the role npm run role-arn derives, in that role\'s region', () => {
    for (const { step, source } of credentialSteps) {
      expect(source?.run).toMatch(/^npm run --silent role-arn -- --env (\S+) --role (plan|deploy) >> "\$GITHUB_OUTPUT"$/);
      const id = (source as { id: string }).id;
      expect(step.with?.['aws-region']).toBe(`\${{ steps.${id}.outputs.aws-region }}`);
    }
  });

  it('plans and drift use the plan role; only the deploy job of deploy.yml uses the deploy role', () => {
    const roleOf = (c: (typeof credentialSteps)[number]) => /--role (plan|deploy)/.exec(c.source?.run ?? '')?.[1];
    const deployers = credentialSteps.filter((c) => roleOf(c) === 'deploy').map((c) => c.where);
    expect(deployers).toEqual(['deploy.yml deploy']);
    for (const c of credentialSteps.filter((x) => x.where !== 'deploy.yml deploy')) expect(roleOf(c)).toBe('plan');
    // one per environment with its own roles (dogfood and production, and any environment added)
    const withRoles = environmentsWithAccess(loadGeneratorInput()).length;
    expect(withRoles).toBeGreaterThanOrEqual(2);
    expect(credentialSteps.filter((c) => c.where.startsWith('drift.yml')).length).toBe(withRoles);
    expect(credentialSteps.filter((c) => c.where === 'plan.yml plan').length).toBe(withRoles);
  });

  it('the matrix jobs derive the role of their matrix environment; plan.yml and drift.yml one per environment, before its plan', () => {
    const wf = load('deploy.yml');
    for (const [job, role] of [['plan', 'plan'], ['deploy', 'deploy']] as const) {
      const step = wf.jobs[job].steps.find((s) => (s as { id?: string }).id === 'role')!;
      expect(step.run).toBe(`npm run --silent role-arn -- --env "$DEPLOY_ENV" --role ${role} >> "$GITHUB_OUTPUT"`);
      expect(step.env).toEqual({ DEPLOY_ENV: '${{ matrix.environment }}' });
    }
    const plan = load('plan.yml').jobs.plan.steps.map((s) => s.run ?? s.uses ?? '');
    for (const env of ['dogfood', 'production']) {
      const role = plan.indexOf(`npm run --silent role-arn -- --env ${env} --role plan >> "$GITHUB_OUTPUT"`);
      const run = plan.findIndex((r) => r.startsWith(`npm run plan -- --real --append --env ${env} `));
      expect(role).toBeGreaterThan(0);
      expect(plan[role + 1]).toMatch(/^aws-actions\/configure-aws-credentials@/);
      expect(run).toBe(role + 2);
    }
  });
});

describe('notification endpoints reach Terraform from secrets, never in a script (issue 12, #3)', () => {
  it.each(everyJob)('%s: a secret appears only as a step\'s env value, never in a run script', (_, job) => {
    for (const s of job.steps) {
      expect(s.run ?? '').not.toMatch(/secrets\.|TF_VAR_/);
      for (const [k, v] of Object.entries(s.env ?? {})) if (k.startsWith('TF_VAR_')) expect(v).toMatch(/secrets\.FLEETFLAGS_NOTIFY_[A-Z0-9_]+/);
    }
  });
});
