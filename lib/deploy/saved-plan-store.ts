/**
 * Where a saved plan waits between the plan job and the approved apply job: the
 * environment's own state bucket, under a run-scoped key (issue 11, findings 4 and 9).
 *
 * A binary Terraform plan holds the prior state and every sensitive value in plain
 * text, so it never becomes a workflow artifact (readable by anyone who can read the
 * repository's Actions, for a day or more). Instead:
 *
 * 1. the plan job (plan role) runs `deploy --plan-only --save-plan <dir>`, then
 *    `saved-plan upload`: each `.tfplan` goes to
 *    `s3://<state.bucket>/<state.keyPrefix>/saved-plans/<run id>/<env>/<stack>.tfplan`
 *    (the bucket is private, encrypted, TLS-only, versioned: docs/security.md). The
 *    run's artifact carries only `manifest.json`: the stacks, their SHA-256 and the
 *    commit, no plan;
 * 2. the deploy job (deploy role, after the reviewer approved) downloads the manifest
 *    artifact, then `saved-plan download` fetches the files the manifest names, and
 *    `deploy --apply-plan <dir>` applies them only if each matches its SHA-256. The
 *    hashes travel through the run itself, not the bucket: a plan file replaced in
 *    the bucket (the plan role, which pull requests can assume, may write that
 *    prefix) no longer matches, and nothing is applied;
 * 3. after a successful apply, `saved-plan delete` removes them; the bucket's
 *    lifecycle rule expires whatever a failed run leaves behind (docs/security.md).
 *
 * The roles may touch only that prefix (lib/access/policies.ts): the plan role
 * PutObject, the deploy role GetObject and DeleteObject.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { accessErrors, deployRunErrors } from '../errors';
import type { Flags } from '../flags/schema';
import { SAVED_PLANS_SEGMENT } from '../naming';
import { SAVED_PLAN_MANIFEST, type SavedPlanManifest } from './saved-plan';

/** The S3 SDK, loaded when a plan is stored or fetched (not by every importer of the deploy). */
const s3Sdk = () => require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');

export { SAVED_PLANS_SEGMENT, savedPlanKeyPattern } from '../naming';

export interface SavedPlanLocation {
  readonly bucket: string;
  readonly region: string;
  /** `<keyPrefix>/saved-plans/<runId>/<env>/`, ending in "/". */
  readonly prefix: string;
}

/** Where the saved plans of this run and environment live. */
export function savedPlanLocation(flags: Pick<Flags, 'environment' | 'state'>, runId: string, file = `flags/${flags.environment}.json`): SavedPlanLocation {
  if (flags.state.backend !== 's3') throw accessErrors.noStateBucket(file, flags.environment);
  if (!/^[1-9]\d{0,19}$/.test(runId)) throw accessErrors.badRunId(runId);
  return { bucket: flags.state.bucket, region: flags.state.region, prefix: `${flags.state.keyPrefix}/${SAVED_PLANS_SEGMENT}/${runId}/${flags.environment}/` };
}

const url = (loc: SavedPlanLocation, file = '') => `s3://${loc.bucket}/${loc.prefix}${file}`;

function readManifest(dir: string): SavedPlanManifest {
  const file = path.join(dir, SAVED_PLAN_MANIFEST);
  if (!existsSync(file)) throw deployRunErrors.savedPlanMissing(dir, SAVED_PLAN_MANIFEST, 'no manifest');
  return JSON.parse(readFileSync(file, 'utf8')) as SavedPlanManifest;
}

/** The plan files the manifest names, as bare file names (never a path out of the directory). */
function planFiles(manifest: SavedPlanManifest): string[] {
  return manifest.stacks.map((s) => path.basename(s.file));
}

/** Runs `act` for each plan file the manifest in `dir` names; the S3 URLs done, or the first failure, named. */
async function eachPlanFile(
  loc: SavedPlanLocation,
  dir: string,
  operation: 'upload' | 'download' | 'delete',
  act: (file: string, key: string) => Promise<void>,
): Promise<string[]> {
  const done: string[] = [];
  for (const file of planFiles(readManifest(dir))) {
    try {
      await act(file, `${loc.prefix}${file}`);
    } catch (e) {
      throw accessErrors.savedPlanStore(operation, url(loc, file), (e as Error).message);
    }
    done.push(url(loc, file));
  }
  return done;
}

/** Uploads the plan files of `dir` (as its manifest lists them); the manifest itself stays in the run. */
export function uploadSavedPlan(s3: S3Client, loc: SavedPlanLocation, dir: string): Promise<string[]> {
  return eachPlanFile(loc, dir, 'upload', async (file, key) => {
    await s3.send(new (s3Sdk().PutObjectCommand)({ Bucket: loc.bucket, Key: key, Body: readFileSync(path.join(dir, file)), ServerSideEncryption: 'AES256' }));
  });
}

/** Downloads the plan files the manifest in `dir` names into `dir`; their SHA-256 is checked when they are applied. */
export function downloadSavedPlan(s3: S3Client, loc: SavedPlanLocation, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  return eachPlanFile(loc, dir, 'download', async (file, key) => {
    const got = await s3.send(new (s3Sdk().GetObjectCommand)({ Bucket: loc.bucket, Key: key }));
    writeFileSync(path.join(dir, file), Buffer.from(await got.Body!.transformToByteArray()));
  });
}

/** Deletes the plan files of this run and environment (after the apply). */
export function deleteSavedPlan(s3: S3Client, loc: SavedPlanLocation, dir: string): Promise<string[]> {
  return eachPlanFile(loc, dir, 'delete', async (_file, key) => {
    await s3.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: loc.bucket, Key: key }));
  });
}
