/**
 * The deploy-side workflows stay thin and safe: they only run npm scripts, use OIDC
 * instead of long-lived keys, ask for the least permissions, and never cancel a
 * deploy in progress.
 *
 * @reads .github/workflows/deploy.yml .github/workflows/drift.yml .github/workflows/rollback.yml
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { environmentsWithAccess, loadGeneratorInput } from '../../lib/github/workflow-gen';

type Workflow = {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
};
type Job = {
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { 'max-parallel'?: number; 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  needs?: string | string[];
  steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }>;
};

const load = (name: string) => parse(readFileSync(`.github/workflows/${name}`, 'utf8')) as Workflow;

/** Every `run:` step is `npm ci`, an `npm run <script>`, or plain shell plumbing we list. */
function runCommands(wf: Workflow): string[] {
  return Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.run).map((s) => s.run!.trim()));
}

describe('deploy workflow', () => {
  const wf = load('deploy.yml');
  const deploy = wf.jobs.deploy;

  it('deploys on push to main', () => {
    expect(wf.on.push).toEqual({ branches: ['main'] });
  });

  it('promotes one environment at a time, in the flags order, stopping at the first failure', () => {
    expect(deploy.needs).toEqual(['order', 'plan']);
    expect(deploy.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
    expect(deploy.strategy?.matrix?.environment).toBe('${{ fromJSON(needs.order.outputs.environments) }}');
    expect(runCommands(wf)).toContain('echo "environments=$(npm run --silent deploy -- --print-order --from-ref origin/main)" >> "$GITHUB_OUTPUT"');
  });

  it('never runs two deploys of one environment at once, and never cancels one', () => {
    expect(deploy.concurrency).toEqual({ group: 'deploy-${{ matrix.environment }}', 'cancel-in-progress': false });
  });

  it('uses a GitHub environment per fleetflags environment, so production can require a reviewer', () => {
    expect(deploy.environment).toBe('${{ matrix.environment }}');
  });

  it('gets AWS credentials through OIDC with least-privilege permissions', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write', deployments: 'write' });
    const aws = deploy.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(aws?.with).toHaveProperty('role-to-assume');
    expect(JSON.stringify(wf)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });

  it('only calls npm scripts', () => {
    for (const cmd of runCommands(wf)) expect(cmd).toMatch(/^(npm ci|npm run deploy -- |npm run saved-plan -- |npm run --silent role-arn -- |echo "environments=\$\(npm run --silent deploy)/);
  });
});

describe('rollback workflow', () => {
  const wf = load('rollback.yml');
  it('is a browser button for on-call, with the emergency push as an explicit choice', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; default?: unknown }> }).inputs;
    expect(inputs.push).toMatchObject({ type: 'boolean', default: false });
    expect(runCommands(wf).some((c) => c.startsWith('npm run rollback --'))).toBe(true);
  });

  it('never pastes an input into the shell (script injection): inputs go through env', () => {
    for (const cmd of runCommands(wf)) expect(cmd).not.toContain('${{');
  });
});

describe('drift workflow', () => {
  const wf = load('drift.yml');
  it('runs on a schedule with each deployed environment\'s read-only role and may only write issues', () => {
    expect(wf.on).toHaveProperty('schedule');
    expect(wf.jobs.drift.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    expect(environmentsWithAccess(loadGeneratorInput())).toEqual(expect.arrayContaining(['dogfood', 'production']));
    expect(runCommands({ ...wf, jobs: { drift: wf.jobs.drift } })).toEqual([
      'npm ci --ignore-scripts',
      // each environment with its own plan role (dogfood, production, and any added), in deploy order
      ...environmentsWithAccess(loadGeneratorInput()).flatMap((env) => [
        `npm run --silent role-arn -- --env ${env} --role plan >> "$GITHUB_OUTPUT"`,
        `npm run drift -- --env ${env} --plans-only`,
      ]),
      'npm run drift -- --from-plans out/drift',
    ]);
    // The report and the issue come after the plans, with the token only there.
    const report = wf.jobs.drift.steps.find((s) => s.run === 'npm run drift -- --from-plans out/drift');
    expect(report?.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
  });

  it('keeps one PR that turns expired catch-up fleets off, through the GitHub API, with no AWS access', () => {
    const job = wf.jobs['expire-catch-ups'];
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(runCommands({ ...wf, jobs: { job } })).toEqual(['npm ci --ignore-scripts', 'npm run expire-catch-ups']);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toMatchObject({ 'persist-credentials': false });
    expect(job.steps.find((s) => s.run === 'npm run expire-catch-ups')?.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
    expect(job.steps.some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
  });
});
