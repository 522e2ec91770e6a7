/**
 * npm run plan -- [--env <env>]… [--changed-since <ref>] [--base <ref>] [--speculative|--real]
 *                 [--concurrency <n>] [--out <dir>] [--append] [--no-cache]
 *
 * Synthesizes, then plans each selected stack (terraform plan -out + show -json),
 * a bounded number at once, and writes <out>/<stack>.plan.json, <out>/manifest.json
 * and the base and head flags files. See lib/plan/plan-run.ts for the details.
 *
 * Exit code 0 whether or not there are changes (the comment shows them); 4 when
 * Terraform fails, 2 for a wrong command line.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errors } from '../lib/errors';
import { type PlanMode } from '../lib/plan/plan-manifest';
import { DEFAULT_CONCURRENCY, DEFAULT_OUT_DIR, runPlans } from '../lib/plan/plan-run';
import { render } from './plan-comment';

export const USAGE =
  'npm run plan -- [--env <env>]… [--changed-since <git-ref>] [--base <git-ref>] [--speculative | --real] ' +
  `[--concurrency <n>] [--out <dir>] [--append] [--no-cache]\n` +
  '  --env            only this environment (repeat, or comma-separated); default: every flags/<env>.json\n' +
  '  --changed-since  only the stacks whose synthesized JSON differs from the one at <git-ref>\n' +
  '  --base           base of speculative plans; default: the --changed-since ref, else HEAD\n' +
  '  --speculative    plan against a baseline of the base config, no credentials (default without AWS credentials)\n' +
  '  --real           plan against the real state with AWS credentials, as cdktf diff\n' +
  `  --concurrency    stacks planned at once (default ${DEFAULT_CONCURRENCY})\n` +
  `  --out            output directory (default ${DEFAULT_OUT_DIR})\n` +
  '  --append         add to the manifest already in --out (each environment planned with its own credentials)\n' +
  '  --no-cache       rebuild speculative baselines instead of reusing cached ones';

export interface PlanArgs {
  readonly environments: string[];
  readonly changedSince?: string;
  readonly baseRef?: string;
  readonly mode?: PlanMode;
  readonly concurrency: number;
  readonly outDir: string;
  readonly cache: boolean;
  readonly append: boolean;
}

export function parsePlanArgs(args: readonly string[]): PlanArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        env: { type: 'string', multiple: true },
        'changed-since': { type: 'string' },
        base: { type: 'string' },
        speculative: { type: 'boolean' },
        real: { type: 'boolean' },
        concurrency: { type: 'string' },
        out: { type: 'string' },
        'no-cache': { type: 'boolean' },
        append: { type: 'boolean' },
      },
      allowPositionals: false,
    });
  } catch (e) {
    throw errors.usage((e as Error).message, USAGE);
  }
  const v = parsed.values;
  if (v.speculative && v.real) throw errors.usage('--speculative and --real exclude each other', USAGE);
  const concurrency = v.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw errors.usage(`--concurrency must be a whole number of at least 1; got ${JSON.stringify(v.concurrency)}`, USAGE);
  }
  return {
    environments: (v.env ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean),
    changedSince: v['changed-since'],
    baseRef: v.base,
    mode: v.real ? 'real' : v.speculative ? 'speculative' : undefined,
    concurrency,
    outDir: v.out ?? DEFAULT_OUT_DIR,
    cache: !v['no-cache'],
    append: v.append === true,
  };
}

/** The rendered summary `npm run plan` writes next to the plans. */
export const SUMMARY_FILE = 'summary.md';

export async function main(args: readonly string[] = [], print: (line: string) => void = console.log): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const a = parsePlanArgs(args);
  // A failed run must not leave the previous run's summary looking current.
  rmSync(path.join(a.outDir, SUMMARY_FILE), { force: true });
  const manifest = await runPlans({
    environments: a.environments,
    changedSince: a.changedSince,
    baseRef: a.baseRef,
    mode: a.mode,
    concurrency: a.concurrency,
    outDir: a.outDir,
    append: a.append,
    baselineCache: a.cache ? undefined : false,
    // Progress and each stack's result, once each, as it happens.
    log: print,
  });
  if (manifest.unchanged.length) print(`unchanged since ${manifest.changedSince}: ${manifest.unchanged.join(', ')}`);
  // The rendered summary: the same markdown the PR comment shows, from the same plans.
  const summary = render({ plans: [], format: 'markdown', manifest: path.join(a.outDir, 'manifest.json') });
  writeFileSync(path.join(a.outDir, SUMMARY_FILE), summary);
  print(`plans, manifest and ${SUMMARY_FILE} in ${a.outDir}`);
  return 0;
}
