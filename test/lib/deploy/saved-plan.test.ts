/**
 * Finding 4 (issue 11): production approval sees the plan. The plan job saves the
 * plan files with their SHA-256 and a redacted rendering; the apply job applies
 * exactly those files or nothing. Real files and hashes; Terraform's init and show
 * are injected (the runner's shared init is not re-run per test).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { capturingPlanner, savedPlanPlanner, savePlans, sha256File } from '../../../lib/deploy/saved-plan';
import { ExitCode } from '../../../lib/errors';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

const COMMIT = 'c'.repeat(40);
const plan = {
  format_version: '1.2',
  prior_state: { values: { root_module: { resources: [{ values: { secret: 'PRIOR-STATE-SECRET' } }] } } },
  resource_changes: [
    {
      address: 'aws_autoscaling_group.ingest',
      type: 'aws_autoscaling_group',
      name: 'ingest',
      mode: 'managed',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['update'], before: { desired_capacity: 2, token: 'OLD-SENSITIVE' }, after: { desired_capacity: 3, token: 'NEW-SENSITIVE' }, before_sensitive: { token: true }, after_sensitive: { token: true } },
    },
  ],
};

function planJob() {
  // GIVEN a plan job that planned production-fleet into a binary plan file
  const work = tempDir('saved-plan-');
  const planFile = path.join(work, 'stack', 'deploy.tfplan');
  mkdirSync(path.dirname(planFile), { recursive: true });
  writeFileSync(planFile, 'binary plan bytes');
  const saved = path.join(work, 'saved');
  const { manifest, summary } = savePlans([{ stack: 'production-fleet', plan, planFile, workdir: path.dirname(planFile) }], saved, { environment: 'production', commit: COMMIT });
  const applyDir = path.join(work, 'apply', 'production-fleet');
  mkdirSync(applyDir, { recursive: true });
  return { work, saved, manifest, summary, applyDir };
}

const shown: string[] = [];
const fakes = { init: async () => undefined, show: async (dir: string, file: string) => (shown.push(path.join(dir, file)), plan) };

describe('the plan job', () => {
  it('saves each plan file with its SHA-256 and the commit', () => {
    const { saved, manifest } = planJob();
    expect(manifest).toEqual({
      format: 'fleetflags.saved-plan/1',
      environment: 'production',
      commit: COMMIT,
      stacks: [{ stack: 'production-fleet', file: 'production-fleet.tfplan', sha256: sha256File(path.join(saved, 'production-fleet.tfplan')) }],
    });
    expect(readFileSync(path.join(saved, 'production-fleet.tfplan'), 'utf8')).toBe('binary plan bytes');
  });

  it('renders a summary for the reviewer with the hashes, sensitive values masked and no prior state', () => {
    const { summary, manifest } = planJob();
    expect(summary).toContain(manifest.stacks[0].sha256);
    expect(summary).toContain('aws_autoscaling_group.ingest');
    expect(summary).not.toMatch(/SENSITIVE|PRIOR-STATE-SECRET/);
  });

  it('captures what the planner planned', async () => {
    const inner = { mode: 'terraform' as const, plan: async () => [{ stack: 's', plan }] };
    const c = capturingPlanner(inner);
    await c.plan();
    expect(c.planned.map((p) => p.stack)).toEqual(['s']);
  });
});

describe('the apply job', () => {
  it('loads exactly the approved file into the stack directory', async () => {
    const { saved, applyDir } = planJob();
    const planner = savedPlanPlanner(saved, [{ stack: 'production-fleet', dir: applyDir, config: {} }], { environment: 'production', commit: COMMIT, ...fakes });
    const [p] = await planner.plan();
    expect(p.planFile).toBe(path.join(applyDir, 'deploy.tfplan'));
    expect(readFileSync(p.planFile!, 'utf8')).toBe('binary plan bytes');
    expect(p.plan).toBe(plan);
  });

  it('refuses a plan file changed after approval (exit 10), before anything is initialized', async () => {
    const { saved, applyDir } = planJob();
    writeFileSync(path.join(saved, 'production-fleet.tfplan'), 'tampered');
    let inits = 0;
    const planner = savedPlanPlanner(saved, [{ stack: 'production-fleet', dir: applyDir, config: {} }], { environment: 'production', commit: COMMIT, ...fakes, init: async () => void inits++ });
    await expect(planner.plan()).rejects.toMatchObject({ exitCode: ExitCode.GuardRefused, message: expect.stringMatching(/is not the one approved: production-fleet.tfplan has SHA-256 [0-9a-f]{64}, but the approved plan had/) });
    expect(inits).toBe(0);
  });

  it('refuses the plan of another commit or environment', async () => {
    const { saved, applyDir } = planJob();
    const other = savedPlanPlanner(saved, [{ stack: 'production-fleet', dir: applyDir, config: {} }], { environment: 'production', commit: 'd'.repeat(40), ...fakes });
    await expect(other.plan()).rejects.toThrow(/it is the plan of production at cccccccccccc, not of production at dddddddddddd/);
  });

  it('refuses when a stack has no saved plan', async () => {
    const { saved, applyDir } = planJob();
    const planner = savedPlanPlanner(saved, [{ stack: 'production-data', dir: applyDir, config: {} }], { environment: 'production', commit: COMMIT, ...fakes });
    await expect(planner.plan()).rejects.toThrow(/No approved saved plan for production-data .*the manifest has no plan for it/);
  });
});
