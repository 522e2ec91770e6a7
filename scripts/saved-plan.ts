/**
 * npm run saved-plan -- upload|download|delete --env <env> --dir <dir> [--run-id <id>]
 *
 * Moves the saved plan of a deploy run between the plan job and the approved apply
 * job through the environment's state bucket, under a run-scoped key
 * (lib/deploy/saved-plan-store.ts): never through a workflow artifact.
 *   upload    the plan job: the .tfplan files <dir>/manifest.json lists
 *   download  the deploy job: the files its manifest (from the run's artifact) lists
 *   delete    the deploy job, after the apply
 * --run-id defaults to GITHUB_RUN_ID.
 */
import { S3Client } from '@aws-sdk/client-s3';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { deleteSavedPlan, downloadSavedPlan, savedPlanLocation, uploadSavedPlan, type SavedPlanLocation } from '../lib/deploy/saved-plan-store';
import { errors } from '../lib/errors';
import { flagsFiles, loadFlagsOrThrow } from '../lib/flags/load';

const USAGE = 'npm run saved-plan -- upload|download|delete --env <environment> --dir <dir> [--run-id <id>]';
const ACTIONS = { upload: uploadSavedPlan, download: downloadSavedPlan, delete: deleteSavedPlan } as const;

export interface SavedPlanMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
  readonly flagsDir?: string;
  /** @default an S3 client in the state bucket's region, with the job's credentials */
  readonly s3?: (loc: SavedPlanLocation) => S3Client;
}

export async function main(args: readonly string[], options: SavedPlanMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, positionals, help } = parseCommandLine<{ env?: string; dir?: string; 'run-id'?: string }>(args, {
    usage: USAGE,
    options: { env: { type: 'string' }, dir: { type: 'string' }, 'run-id': { type: 'string' } },
    allowPositionals: true,
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (!Object.hasOwn(ACTIONS, action) || rest.length > 0) throw errors.usage(`the first argument is upload, download or delete; got ${JSON.stringify(positionals.join(' '))}`, USAGE);
  if (!values.env || !values.dir) throw errors.usage('--env and --dir are required', USAGE);
  const runId = values['run-id'] ?? env.GITHUB_RUN_ID ?? '';
  const files = flagsFiles(options.flagsDir ?? 'flags');
  const file = files.find((f) => path.basename(f, '.json') === values.env);
  if (!file) throw errors.unknownEnvironment(values.env, files.map((f) => path.basename(f, '.json')));
  const [entry] = loadFlagsOrThrow([file], { expiredCatchUp: 'allow', warn: () => undefined });
  const loc = savedPlanLocation(entry.flags, runId, file);
  const s3 = (options.s3 ?? ((l: SavedPlanLocation) => new S3Client({ region: l.region })))(loc);
  try {
    const done = await ACTIONS[action as keyof typeof ACTIONS](s3, loc, path.resolve(values.dir));
    for (const u of done) print(`${action === 'upload' ? 'uploaded' : action === 'download' ? 'downloaded' : 'deleted'} ${u}`);
  } finally {
    if (!options.s3) s3.destroy();
  }
  return 0;
}
