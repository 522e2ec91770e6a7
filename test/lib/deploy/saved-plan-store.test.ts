/**
 * Issue 11, findings 4 and 9: the saved plan (binary: prior state and sensitive
 * values in plain text) goes from the plan job to the approved apply job through the
 * environment's state bucket under a run-scoped key, never as an artifact; the run's
 * artifact carries only the manifest with the SHA-256, which the apply checks. Against
 * a local S3 stand-in.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { savedPlanPlanner, savePlans, SAVED_PLAN_MANIFEST } from '../../../lib/deploy/saved-plan';
import { deleteSavedPlan, downloadSavedPlan, savedPlanLocation, uploadSavedPlan } from '../../../lib/deploy/saved-plan-store';
import { ExitCode } from '../../../lib/errors';
import { main } from '../../../scripts/saved-plan';
import { shippedFlags } from '../../helpers/flags-fixtures';
import { startFakeS3, type FakeS3 } from './fake-s3';

const COMMIT = 'c'.repeat(40);
const PLAN = { format_version: '1.2', resource_changes: [] };
const BUCKET = 'fleetflags-terraform-state-444455556666';
const PREFIX = 'fleetflags/saved-plans/987654321/production/';

let s3: FakeS3;
let work: string;
beforeEach(async () => {
  s3 = await startFakeS3();
  work = mkdtempSync(path.join(os.tmpdir(), 'saved-plan-store-'));
});
afterEach(async () => {
  await s3.close();
  rmSync(work, { recursive: true, force: true });
});

/** The plan job's directory: production-fleet's binary plan and the manifest. */
function planJobDir(): string {
  const planFile = path.join(work, 'tf', 'deploy.tfplan');
  mkdirSync(path.dirname(planFile), { recursive: true });
  writeFileSync(planFile, 'binary plan with PRIOR-STATE-SECRET');
  const dir = path.join(work, 'saved');
  savePlans([{ stack: 'production-fleet', plan: PLAN, planFile, workdir: path.dirname(planFile) }], dir, { environment: 'production', commit: COMMIT });
  return dir;
}

/** The deploy job's directory: only the manifest, as the run's artifact carries it. */
function deployJobDir(saved: string): string {
  const dir = path.join(work, 'apply-in');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, SAVED_PLAN_MANIFEST), readFileSync(path.join(saved, SAVED_PLAN_MANIFEST)));
  return dir;
}

describe('saved plans in the state bucket', () => {
  const flags = shippedFlags('production') as Parameters<typeof savedPlanLocation>[0];

  test('GIVEN production and a run id WHEN located THEN the key is run-scoped under the state prefix, in the state bucket', () => {
    expect(savedPlanLocation(flags, '987654321')).toEqual({ bucket: BUCKET, region: 'us-east-1', prefix: PREFIX });
    expect(() => savedPlanLocation(flags, '../1')).toThrow(/--run-id must be the workflow run's ID/);
    expect(() => savedPlanLocation(shippedFlags('sandbox') as Parameters<typeof savedPlanLocation>[0], '1')).toThrow(/no state bucket/);
  });

  test('GIVEN a saved plan WHEN uploaded and downloaded THEN only the .tfplan travels through the bucket, and the apply takes it after checking its SHA-256', async () => {
    const saved = planJobDir();
    const loc = savedPlanLocation(flags, '987654321');

    await uploadSavedPlan(s3.client, loc, saved);
    expect([...s3.objects.keys()]).toEqual([`${BUCKET}/${PREFIX}production-fleet.tfplan`]);

    const dir = deployJobDir(saved);
    await downloadSavedPlan(s3.client, loc, dir);
    const planner = savedPlanPlanner(dir, [{ stack: 'production-fleet', dir: path.join(work, 'apply'), config: {} } as never], {
      environment: 'production',
      commit: COMMIT,
      init: async () => undefined,
      show: async () => PLAN,
    });
    mkdirSync(path.join(work, 'apply'), { recursive: true });
    await expect(planner.plan()).resolves.toHaveLength(1);

    await deleteSavedPlan(s3.client, loc, dir);
    expect(s3.objects.size).toBe(0);
  });

  test('GIVEN a plan file replaced in the bucket (the plan role can write there) WHEN applied THEN its SHA-256 does not match the run\'s manifest and nothing is applied', async () => {
    const saved = planJobDir();
    const loc = savedPlanLocation(flags, '987654321');
    await uploadSavedPlan(s3.client, loc, saved);
    s3.objects.set(`${BUCKET}/${PREFIX}production-fleet.tfplan`, Buffer.from('a plan a pull request wrote'));

    const dir = deployJobDir(saved);
    await downloadSavedPlan(s3.client, loc, dir);
    mkdirSync(path.join(work, 'apply'), { recursive: true });
    const planner = savedPlanPlanner(dir, [{ stack: 'production-fleet', dir: path.join(work, 'apply'), config: {} } as never], {
      environment: 'production',
      commit: COMMIT,
      init: async () => undefined,
      show: async () => PLAN,
    });
    await expect(planner.plan()).rejects.toMatchObject({ exitCode: ExitCode.GuardRefused, message: expect.stringMatching(/not the one approved/) });
  });

  test('GIVEN the bucket refuses (a role without access) WHEN downloading THEN the error names the object and what to check', async () => {
    const saved = planJobDir();
    s3.forceStatus = 403;
    await expect(downloadSavedPlan(s3.client, savedPlanLocation(flags, '987654321'), deployJobDir(saved))).rejects.toThrow(
      new RegExp(`Could not download the saved plan at s3://${BUCKET}/${PREFIX}production-fleet.tfplan: .*fix: check the role's access`),
    );
  });

  test('GIVEN npm run saved-plan WHEN upload then download THEN it uses GITHUB_RUN_ID and the flags\' state bucket', async () => {
    const saved = planJobDir();
    const lines: string[] = [];
    const options = { env: { GITHUB_RUN_ID: '987654321' }, print: (l: string) => lines.push(l), s3: () => s3.client };
    expect(await main(['upload', '--env', 'production', '--dir', saved], options)).toBe(0);
    expect(lines).toEqual([`uploaded s3://${BUCKET}/${PREFIX}production-fleet.tfplan`]);
    const dir = deployJobDir(saved);
    expect(await main(['download', '--env', 'production', '--dir', dir], options)).toBe(0);
    expect(readFileSync(path.join(dir, 'production-fleet.tfplan'), 'utf8')).toBe('binary plan with PRIOR-STATE-SECRET');
    await expect(main(['copy', '--env', 'production', '--dir', dir], options)).rejects.toMatchObject({ exitCode: ExitCode.Usage });
  });
});
