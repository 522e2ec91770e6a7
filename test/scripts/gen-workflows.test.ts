/**
 * Workflow inputs that list environments are generated from the flags files: a new
 * environment is one new flags file, and a stale workflow fails this test.
 *
 * @reads .github/workflows/*.yml
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEPLOY_WORKFLOW, DRIFT_WORKFLOW, loadGeneratorInput, notifySecretName, PLAN_WORKFLOW, regenerate, replaceGenerated } from '../../lib/github/workflow-gen';
import { ROLLBACK_WORKFLOW, rollbackEnvironments, withEnvironmentOptions } from '../../lib/github/workflow-inputs';
import { deployableEnvironments, newEnvironmentName } from '../helpers/environments';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();
const choiceOf = (text: string) => (parse(text) as { on: { workflow_dispatch: { inputs: { environment: { type: string; options: string[] } } } } }).on.workflow_dispatch.inputs.environment;

describe('rollback.yml environment choice', () => {
  test('matches the flags files (run `npm run gen-workflows` when this fails)', () => {
    // GIVEN the committed workflow and the flags files
    const text = readFileSync(ROLLBACK_WORKFLOW, 'utf8');

    // WHEN / THEN regenerating changes nothing, and the choice is every deployed environment in deploy order
    expect(withEnvironmentOptions(text, rollbackEnvironments())).toBe(text);
    expect(choiceOf(text)).toEqual({ type: 'choice', options: deployableEnvironments(), description: expect.any(String), required: true });
  });

  test('a new deployed environment is added to the choice, in its deploy order, and nothing else changes', () => {
    // GIVEN a copy of the flags with a new environment ("staging" unless one exists) right after the first
    // deployed one, the later ones moved up
    const dir = tempDir('fleetflags-gen-workflows-');
    cpSync('flags', path.join(dir, 'flags'), { recursive: true });
    const [first, ...later] = deployableEnvironments();
    const name = newEnvironmentName();
    const read = (environment: string) => JSON.parse(readFileSync(`flags/${environment}.json`, 'utf8'));
    const added = read(first);
    Object.assign(added, { environment: name, naming: { prefix: `fleetflags-${name}` }, deploy: { ...added.deploy, order: added.deploy.order + 1 } });
    writeFileSync(path.join(dir, 'flags', `${name}.json`), JSON.stringify(added));
    for (const environment of later) {
      const flags = read(environment);
      flags.deploy.order += 1;
      writeFileSync(path.join(dir, 'flags', `${environment}.json`), JSON.stringify(flags));
    }
    const text = readFileSync(ROLLBACK_WORKFLOW, 'utf8');

    // WHEN the workflow is regenerated
    const after = withEnvironmentOptions(text, rollbackEnvironments(path.join(dir, 'flags')));

    // THEN the choice lists it, and only that line changed
    expect(choiceOf(after).options).toEqual([first, name, ...later]);
    const changed = text.split('\n').filter((line, i) => line !== after.split('\n')[i]);
    expect(changed).toHaveLength(1);
  });

  test('a workflow without the generated line is an error that says what to put back', () => {
    expect(() => withEnvironmentOptions('on:\n  workflow_dispatch: {}\n', ['dogfood'], 'x.yml')).toThrow(
      /^x\.yml: cannot find the generated "options:" line .*; allowed: one line like .*# generated from flags\/\*\.json by `npm run gen-workflows`.*fix: /,
    );
  });
});

describe('generated blocks: per-environment roles and notification secrets', () => {
  const WORKFLOWS = [PLAN_WORKFLOW, DRIFT_WORKFLOW, DEPLOY_WORKFLOW];

  test('every committed workflow matches the flags files (run `npm run gen-workflows` when this fails)', () => {
    const input = loadGeneratorInput();
    for (const file of WORKFLOWS) {
      const text = readFileSync(file, 'utf8');
      expect(regenerate(file, text, input)).toBe(text);
    }
  });

  /** A copy of the flags: production pages "oncall" through PagerDuty, and a new environment "staging" with access. */
  function editedFlags(): string {
    const dir = tempDir('fleetflags-gen-workflows-');
    cpSync('flags', path.join(dir, 'flags'), { recursive: true });
    const production = JSON.parse(readFileSync('flags/production.json', 'utf8'));
    production.notifications = { subscriptions: [{ kind: 'pagerduty', name: 'oncall' }, { kind: 'email', name: 'team', address: 'ingest@example.com' }] };
    production.deploy.order = 3;
    const staging = JSON.parse(readFileSync('flags/dogfood.json', 'utf8'));
    Object.assign(staging, {
      environment: 'staging',
      aws: { ...staging.aws, accountId: '777788889999' },
      state: { ...staging.state, bucket: 'fleetflags-terraform-state-777788889999' },
      naming: { prefix: 'fleetflags-staging' },
      deploy: { ...staging.deploy, order: 2 },
      network: { ...staging.network, certificateArn: 'arn:aws:acm:us-east-1:777788889999:certificate/0d0f00d0-0d0f-40d0-8d0f-00d0d0f00d0d' },
      notifications: { subscriptions: [{ kind: 'slack', name: 'oncall' }] },
    });
    writeFileSync(path.join(dir, 'flags', 'production.json'), JSON.stringify(production));
    writeFileSync(path.join(dir, 'flags', 'staging.json'), JSON.stringify(staging));
    return path.join(dir, 'flags');
  }

  test('GIVEN PagerDuty and Slack subscriptions WHEN generated THEN each plan step gets its environment\'s TF_VAR_notify_<name> from its secret, in env only', () => {
    // GIVEN
    const input = loadGeneratorInput(editedFlags());

    // WHEN
    const plan = parse(regenerate(PLAN_WORKFLOW, readFileSync(PLAN_WORKFLOW, 'utf8'), input));
    const drift = parse(regenerate(DRIFT_WORKFLOW, readFileSync(DRIFT_WORKFLOW, 'utf8'), input));
    const deploy = parse(regenerate(DEPLOY_WORKFLOW, readFileSync(DEPLOY_WORKFLOW, 'utf8'), input));

    // THEN plan.yml: production's and staging's own secrets, dogfood none; email addresses are no secret
    type Step = { run?: string; env?: Record<string, string> };
    const planStep = (steps: Step[], env: string) => steps.find((s) => s.run?.startsWith(`npm run plan -- --real --append --env ${env} `))!;
    expect(planStep(plan.jobs.plan.steps, 'production').env).toEqual({ BASE_REF: "${{ github.base_ref || 'main' }}", TF_VAR_notify_oncall: '${{ secrets.FLEETFLAGS_NOTIFY_PRODUCTION_ONCALL }}' });
    expect(planStep(plan.jobs.plan.steps, 'staging').env).toMatchObject({ TF_VAR_notify_oncall: '${{ secrets.FLEETFLAGS_NOTIFY_STAGING_ONCALL }}' });
    expect(planStep(plan.jobs.plan.steps, 'dogfood').env).toEqual({ BASE_REF: "${{ github.base_ref || 'main' }}" });
    // drift.yml likewise
    const driftStep = drift.jobs.drift.steps.find((s: Step) => s.run === 'npm run drift -- --env production --plans-only');
    expect(driftStep.env).toEqual({ TF_VAR_notify_oncall: '${{ secrets.FLEETFLAGS_NOTIFY_PRODUCTION_ONCALL }}' });
    // deploy.yml's matrix plan job: the matrix environment's secret
    const save = deploy.jobs.plan.steps.find((s: Step) => s.run?.includes('--save-plan'));
    expect(save.env.TF_VAR_notify_oncall).toBe(
      "${{ matrix.environment == 'production' && secrets.FLEETFLAGS_NOTIFY_PRODUCTION_ONCALL || matrix.environment == 'staging' && secrets.FLEETFLAGS_NOTIFY_STAGING_ONCALL || '' }}",
    );
    // never in a script
    for (const wf of [plan, drift, deploy]) {
      for (const job of Object.values(wf.jobs) as { steps: Step[] }[]) for (const s of job.steps) expect(s.run ?? '').not.toMatch(/secrets\.|TF_VAR_/);
    }
  });

  test('GIVEN a new environment with access WHEN generated THEN plan.yml and drift.yml assume its own plan role, in deploy order', () => {
    const input = loadGeneratorInput(editedFlags());
    const plan = parse(regenerate(PLAN_WORKFLOW, readFileSync(PLAN_WORKFLOW, 'utf8'), input));
    const drift = parse(regenerate(DRIFT_WORKFLOW, readFileSync(DRIFT_WORKFLOW, 'utf8'), input));
    const roleRuns = (steps: { run?: string }[]) => steps.map((s) => s.run ?? '').filter((r) => r.includes('role-arn'));
    const expected = ['dogfood', 'staging', 'production'].map((e) => `npm run --silent role-arn -- --env ${e} --role plan >> "$GITHUB_OUTPUT"`);
    expect(roleRuns(plan.jobs.plan.steps)).toEqual(expected);
    expect(roleRuns(drift.jobs.drift.steps)).toEqual(expected);
    // The sandbox has no access stack: planned speculatively first, with no credentials, and the first real plan appends to it.
    expect(plan.jobs.plan.steps.map((s: { run?: string }) => s.run ?? '').filter((r: string) => r.startsWith('npm run plan --'))).toEqual([
      'npm run plan -- --speculative --env sandbox --changed-since "origin/$BASE_REF" --out out/plan',
      'npm run plan -- --real --append --env dogfood --changed-since "origin/$BASE_REF" --out out/plan',
      'npm run plan -- --real --append --env staging --changed-since "origin/$BASE_REF" --out out/plan',
      'npm run plan -- --real --append --env production --changed-since "origin/$BASE_REF" --out out/plan',
    ]);
  });

  test('the secret names are what GitHub allows: letters, digits and "_"', () => {
    expect(notifySecretName('eu-prod', 'pager_duty')).toBe('FLEETFLAGS_NOTIFY_EU_PROD_PAGER_DUTY');
  });

  test('a workflow without a generated block is an error that says what to put back', () => {
    expect(() => replaceGenerated('jobs: {}\n', 'real-plans', [], 'x.yml')).toThrow(/^x\.yml: cannot find the generated block "real-plans"/);
  });
});
