/**
 * The plan workflows keep the safe split: the pull_request side runs PR code with no
 * write token (and fork PRs with no credentials at all); the commenting side has
 * `pull-requests: write` but never checks out or runs PR code. Both only call npm scripts.
 *
 * @reads .github/workflows/plan.yml .github/workflows/plan-comment.yml
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { planSubjects } from '../../../lib/access/policies';

type Step = { if?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { if?: string; permissions?: Record<string, string>; steps: Step[] };
type Workflow = { on: Record<string, any>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const ROOT = path.join(__dirname, '..', '..', '..');
const load = (name: string) => parse(readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;
const PACKAGE_SCRIPTS = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);

function runs(wf: Workflow): string[] {
  return Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.run).map((s) => s.run!.trim()));
}

describe('.github/workflows/plan.yml', () => {
  const wf = load('plan.yml');

  test('runs on pull requests touching flags, stacks, lib or the lockfile', () => {
    // workflow_dispatch: a rollback PR opened with the rollback workflow's token dispatches its plan (issue 11).
    expect(Object.keys(wf.on)).toEqual(['pull_request', 'workflow_dispatch']);
    expect(wf.on.pull_request.paths).toEqual(expect.arrayContaining(['flags/**', 'stacks/**', 'lib/**', 'package-lock.json']));
  });

  test('no write permission anywhere; only the same-repo job may get an OIDC token', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(wf.jobs.plan.if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(wf.jobs['plan-speculative'].permissions).toEqual({ contents: 'read' });
    expect(wf.jobs['plan-speculative'].if).toBe("github.event_name == 'workflow_dispatch' || github.event.pull_request.head.repo.full_name != github.repository");
  });

  it('GIVEN a run dispatched for a rollback branch WHEN its OIDC subject is compared with the plan role trust THEN it is not trusted, so it runs in the job that asks for no token', () => {
    // The rollback pushes rollback/<env>-<sha> and dispatches plan.yml there (lib/deploy/dispatch.ts).
    const dispatchedSubject = 'repo:acme/fleet:ref:refs/heads/rollback/production-0123456789ab';
    expect(planSubjects('acme/fleet')).not.toContain(dispatchedSubject);
    const dispatched = (job: { if?: string }) => (job.if ?? '').includes("github.event_name == 'workflow_dispatch' ||");
    expect(dispatched(wf.jobs['plan-speculative'])).toBe(true);
    expect(wf.jobs['plan-speculative'].permissions).not.toHaveProperty('id-token');
    expect(dispatched(wf.jobs.plan)).toBe(false);
    // Its steps have what a dispatched run lacks (no pull_request in the event): a base ref and a commit.
    const env = wf.jobs['plan-speculative'].steps.flatMap((st: { env?: Record<string, string> }) => Object.values(st.env ?? {}));
    expect(env).toEqual(expect.arrayContaining(["${{ github.base_ref || 'main' }}", '${{ github.event.pull_request.head.sha || github.sha }}']));
  });

  test('fork PRs: no AWS credentials, no secrets, a speculative plan', () => {
    const fork = wf.jobs['plan-speculative'];
    expect(fork.steps.some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
    expect(JSON.stringify(fork)).not.toMatch(/secrets\.|id-token/);
    expect(fork.steps.some((s) => /npm run plan -- --speculative/.test(s.run ?? ''))).toBe(true);
  });

  test('same-repo PRs: AWS through OIDC only, Terraform without its wrapper, npm cache', () => {
    const job = wf.jobs.plan;
    const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(aws.with).toHaveProperty('role-to-assume');
    expect(JSON.stringify(aws.with)).not.toMatch(/access-key|secret/i);
    const tf = job.steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))!;
    expect(tf.with).toMatchObject({ terraform_wrapper: false });
    expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with).toMatchObject({ cache: 'npm' });
  });

  test('uploads only redacted plans (no comment text for the commenting side to trust), kept 3 days', () => {
    for (const job of Object.values(wf.jobs)) {
      const i = job.steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
      const upload = job.steps[i];
      expect(upload.with).toMatchObject({ name: 'plan', 'retention-days': 3 });
      expect(String(upload.with!.path)).not.toContain('comment.md');
      expect(String(upload.with!.path)).toContain('out/plan/*.plan.json');
      // The step right before the upload redacts every plan of the manifest.
      expect(job.steps[i - 1].run).toBe('npm run plan-comment -- redact --manifest out/plan/manifest.json');
    }
  });
});

describe('.github/workflows/plan-comment.yml', () => {
  const wf = load('plan-comment.yml');
  const job = wf.jobs.comment;

  test('runs after the plan workflow, with the least it needs to comment', () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: ['plan'], types: ['completed'] } });
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write' });
  });

  test('never checks out or runs the PR code: the default branch, install scripts off', () => {
    const checkouts = job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    for (const c of checkouts) {
      expect(c.with ?? {}).not.toHaveProperty('ref');
      expect(c.with ?? {}).not.toHaveProperty('repository');
    }
    expect(JSON.stringify(job)).not.toMatch(/head_sha|head_branch|head\.ref|pull_request\.head/);
    expect(runs(wf)).toContain('npm ci --ignore-scripts');
  });

  test("renders the comment itself from the plan run's artifact (data), never posting text the PR's code wrote", () => {
    const dl = job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(dl.with).toMatchObject({ name: 'plan', 'run-id': '${{ github.event.workflow_run.id }}' });
    expect(runs(wf).some((r) => r.startsWith('npm run plan-comment -- post --manifest "$RUNNER_TEMP/plan/manifest.json"'))).toBe(true);
    expect(runs(wf).some((r) => r.includes('--body'))).toBe(false);
  });

  test('a fork PR that changes only flags is planned here, from its flags as data, with this code', () => {
    const flagsOnly = job.steps.filter((s) => s.if?.includes("steps.trust.outputs.trust == 'fork-flags-only'")).map((s) => s.run ?? s.uses);
    expect(flagsOnly).toEqual([
      expect.stringMatching(/^hashicorp\/setup-terraform@/),
      'npm run plan-comment -- flags-from-ref --fetch-pr "$PR"',
      'npm run plan -- --speculative --changed-since HEAD --out out/plan',
      'npm run plan-comment -- post --manifest out/plan/manifest.json --pr "$PR" --author \'github-actions[bot]\'',
    ]);
    // The artifact is not even downloaded then.
    expect(job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.if).toContain("steps.trust.outputs.trust != 'fork-flags-only'");
  });

  test('one run at a time per PR; stale runs are dropped by the head check in post', () => {
    expect((wf as unknown as { concurrency: Record<string, unknown> }).concurrency).toEqual({
      group: 'plan-comment-${{ github.event.workflow_run.head_repository.full_name }}-${{ github.event.workflow_run.head_branch }}',
      'cancel-in-progress': false,
    });
  });

  test('a dispatched plan run (a rollback PR opened with github.token) is commented on too, found by its branch and commit', () => {
    // The rollback dispatches plan.yml on the PR's branch with inputs.pr (lib/deploy/rollback.ts);
    // the workflow_run event carries no inputs, so post finds the open PR whose head is the run's.
    expect(job.if).toContain("github.event.workflow_run.event == 'pull_request' || github.event.workflow_run.event == 'workflow_dispatch'");
    expect(job.if).not.toMatch(/event == 'push'|event == 'schedule'/);
    // The dispatched run names its PR in its title, for people.
    expect((load('plan.yml') as unknown as { 'run-name': string })['run-name']).toContain('inputs.pr');
  });

  test('a failed plan run replaces the comment with a failure notice instead of leaving an older plan', () => {
    expect(job.if).toContain("github.event.workflow_run.conclusion == 'failure'");
    const failed = job.steps.find((s) => /post --failed/.test(s.run ?? ''))!;
    expect(failed.if).toBe("github.event.workflow_run.conclusion == 'failure'");
  });
});

test('both workflows only call npm scripts that exist', () => {
  for (const wf of [load('plan.yml'), load('plan-comment.yml')]) {
    for (const run of runs(wf)) {
      expect(run).toMatch(/^npm (ci( --ignore-scripts)?|run ([\w-]+)( -- .*)?|run --silent role-arn -- --env [a-z0-9-]+ --role plan >> "\$GITHUB_OUTPUT")$/s);
      const script = /^npm run (?:--silent )?([\w-]+)/.exec(run)?.[1];
      if (script) expect(PACKAGE_SCRIPTS).toContain(script);
    }
  }
});
