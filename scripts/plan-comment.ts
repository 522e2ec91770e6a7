/**
 * npm run plan-comment -- render --plan <plan.json>... [--format markdown|json]
 *     [--base-flags <dir> | --base-ref <git-ref>] [--head-flags <dir>] [--speculative]
 *     [--manifest out/plan/manifest.json] [--details-url <url>] [--commit <sha>] [--out <file>] [--step-summary]
 * npm run plan-comment -- post (--body <file> | --plan <plan.json>... [render options] | --failed)
 *     [--pr <number>] [--author <login>]
 *
 * `render` turns `terraform show -json` plans into the PR comment (markdown, at most
 * 65,536 characters) or a JSON summary. A plan file's stack is its name,
 * `<stack>.plan.json`, or given as `<stack>=<file>`.
 * `post` upserts the one sticky comment of the PR and writes $GITHUB_STEP_SUMMARY;
 * `post --failed` replaces the last plan with a notice that the plan run failed.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errors } from '../lib/errors';
import { createOctokit, upsertStickyComment, type UpsertResult } from '../lib/github/sticky-comment';
import { githubEnv, readEvent, resolvePullRequest } from '../lib/github/context';
import { diffFlags, readFlagsAtRef, readFlagsDir, type FlagChange } from '../lib/plan/flags-diff';
import { readPlanFile, stackOfPlanFile, stackPlan, type StackPlan } from '../lib/plan/plan-model';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderFailure, renderJson, renderMarkdown, STEP_SUMMARY_LIMIT, type RenderOptions } from '../lib/plan/render';

const USAGE =
  'npm run plan-comment -- render --plan <plan.json>... [--format markdown|json] [--base-flags <dir> | --base-ref <ref>] ' +
  '[--head-flags <dir>] [--speculative] [--manifest <manifest.json>] [--details-url <url>] [--commit <sha>] [--out <file>] [--step-summary]\n' +
  '       npm run plan-comment -- post (--body <file> | --plan <plan.json>... [render options] | --failed) [--pr <number>] [--author <login>]';

const OPTIONS = {
  plan: { type: 'string', multiple: true },
  format: { type: 'string' },
  'base-flags': { type: 'string' },
  'base-ref': { type: 'string' },
  'head-flags': { type: 'string' },
  speculative: { type: 'boolean' },
  manifest: { type: 'string' },
  'details-url': { type: 'string' },
  out: { type: 'string' },
  'step-summary': { type: 'boolean' },
  commit: { type: 'string' },
  failed: { type: 'boolean' },
  body: { type: 'string' },
  pr: { type: 'string' },
  author: { type: 'string' },
} as const;

export interface RenderArgs {
  readonly plans: readonly { readonly file: string; readonly stack?: string; readonly environment?: string }[];
  readonly format: 'markdown' | 'json';
  readonly baseFlags?: string;
  readonly baseRef?: string;
  readonly headFlags?: string;
  readonly speculative?: boolean;
  readonly manifest?: string;
  readonly detailsUrl?: string;
  readonly commit?: string;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxChars?: number;
}

/**
 * What `npm run plan` writes next to the plans (out/plan/manifest.json, PlanManifest
 * in lib/plan/plan-run.ts). Read loosely: every field is optional here, paths are
 * relative to the manifest's directory.
 */
interface Manifest {
  mode?: string;
  baseRef?: string | null;
  changedSince?: string | null;
  stacks?: { stack?: string; environment?: string; planFile?: string; speculative?: boolean }[];
  /** Environment -> its base / head flags file. */
  baseFlags?: Record<string, string>;
  headFlags?: Record<string, string>;
  /** Stacks not planned because they did not change since `changedSince`. */
  unchanged?: string[];
}

export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args.filter((a) => a !== '--');
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(`usage: ${USAGE}`);
    return 0;
  }
  if (command !== 'render' && command !== 'post') throw errors.usage(command ? `unknown command ${JSON.stringify(command)}` : 'no command', USAGE);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw errors.usage((e as Error).message, USAGE);
  }
  const v = parsed.values;
  const format = v.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw errors.usage(`--format must be markdown or json; got ${JSON.stringify(format)}`, USAGE);
  // `--plan a.json b.json`: the files after the first are positionals.
  const plans = [...(v.plan ?? []), ...parsed.positionals].map(planArg);
  const renderArgs: RenderArgs = {
    plans,
    format,
    baseFlags: v['base-flags'],
    baseRef: v['base-ref'],
    headFlags: v['head-flags'],
    speculative: v.speculative,
    manifest: v.manifest,
    detailsUrl: v['details-url'],
    commit: v.commit,
  };

  if (command === 'render') {
    if (plans.length === 0 && !v.manifest) throw errors.usage('render needs --plan <plan.json> (or --manifest)', USAGE);
    const text = render(renderArgs);
    if (v.out) writeFileSync(v.out, text);
    else process.stdout.write(text);
    // The step summary holds up to 1 MiB: the details the comment had to cut.
    if (v['step-summary'] && format === 'markdown') appendStepSummary(render({ ...renderArgs, maxChars: STEP_SUMMARY_LIMIT }));
    return 0;
  }

  let body: string;
  let bodySource: string;
  if (v.failed) {
    // The plan run failed: replace the last plan with a notice (from the event: trusted).
    const ev = process.env.GITHUB_EVENT_PATH ? readEvent(process.env.GITHUB_EVENT_PATH) : {};
    bodySource = 'the failure notice';
    body = renderFailure({ commit: v.commit ?? ev.headSha, runUrl: v['details-url'] ?? ev.runUrl ?? runUrl() });
  } else if (v.body) {
    bodySource = v.body;
    try {
      body = readFileSync(v.body, 'utf8');
    } catch (e) {
      throw errors.usage(`cannot read --body ${v.body} (${(e as NodeJS.ErrnoException).code ?? e})`, USAGE);
    }
  } else if (plans.length > 0 || v.manifest) {
    bodySource = 'the rendered plans';
    body = render({ ...renderArgs, format: 'markdown' });
  } else {
    throw errors.usage('post needs --body <file>, --plan <plan.json>... or --failed', USAGE);
  }
  const pr = v.pr === undefined ? undefined : parsePullRequestNumber(v.pr);
  const result = await post(body, { pr, author: v.author, bodySource });
  console.log(result ? `${result.action} the plan comment ${result.url ?? result.commentId}` : 'no open pull request matches this run (pushed again or closed); nothing posted');
  return 0;
}

/**
 * `--pr`: digits only, no sign, no leading zero, no exponent or hex ("1e3", "0x10",
 * " 12" all pass Number()), at most a safe integer.
 */
export function parsePullRequestNumber(value: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) throw errors.badPullRequestNumber(value, USAGE);
  return Number(value);
}

/** `<stack>=<file>` or `<file>`. */
function planArg(arg: string): { file: string; stack?: string } {
  const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
  return m && !existsSync(arg) ? { stack: m[1], file: m[2] } : { file: arg };
}

/** Renders plan files (and the flags diff) as the comment body or the JSON summary. */
export function render(args: RenderArgs): string {
  const manifest = args.manifest ? readManifest(args.manifest) : undefined;
  const manifestDir = args.manifest ? path.dirname(args.manifest) : '.';
  const plans = [...args.plans];
  if (plans.length === 0 && manifest) {
    for (const s of manifest.stacks ?? []) {
      if (s.planFile) plans.push({ file: path.resolve(manifestDir, s.planFile), stack: s.stack, environment: s.environment });
    }
  }
  const environments = new Map((manifest?.stacks ?? []).filter((s) => s.stack && s.environment).map((s) => [s.stack!, s.environment!]));
  const stacks: StackPlan[] = plans.map((p) => {
    const stack = p.stack ?? stackOfPlanFile(p.file);
    return stackPlan(readPlanFile(p.file), stack, { environment: p.environment ?? environments.get(stack), source: p.file });
  });

  let flagChanges: FlagChange[] | undefined;
  if (args.baseFlags || args.baseRef) {
    const base = args.baseFlags ? readFlagsDir(args.baseFlags) : readFlagsAtRef(args.baseRef!);
    flagChanges = diffFlags(base, readFlagsDir(args.headFlags ?? 'flags'));
  } else if (manifest?.baseFlags || manifest?.headFlags) {
    flagChanges = diffFlags(flagsFromManifest(manifest.baseFlags, manifestDir), flagsFromManifest(manifest.headFlags, manifestDir));
  }

  const options: RenderOptions = {
    speculative: args.speculative || manifest?.mode === 'speculative' || (manifest?.stacks ?? []).some((s) => s.speculative === true),
    flagChanges,
    detailsUrl: args.detailsUrl ?? runUrl(),
    commit: args.commit,
    maxChars: args.maxChars,
    notPlanned: manifest?.unchanged,
    baseRef: manifest?.changedSince ?? undefined,
  };
  return args.format === 'json' ? renderJson(stacks, options) : renderMarkdown(stacks, options);
}

/** `{ env: file }` -> the FlagsSet diffFlags takes (`<env>.json` -> parsed JSON). */
function flagsFromManifest(files: Record<string, string> | undefined, dir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [env, file] of Object.entries(files ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const full = path.resolve(dir, file);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (e) {
      throw errors.flagsDirUnreadable(full, (e as NodeJS.ErrnoException).code ?? String(e));
    }
    try {
      out.set(`${env}.json`, JSON.parse(text));
    } catch {
      out.set(`${env}.json`, text);
    }
  }
  return out;
}

function readManifest(file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw errors.planManifestInvalid(file, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw errors.planManifestInvalid(file, 'it is not a JSON object');
  const m = json as Manifest;
  if (m.stacks !== undefined && !Array.isArray(m.stacks)) throw errors.planManifestInvalid(file, '"stacks" is not an array');
  return m;
}

/** The current workflow run, when in GitHub Actions: where the artifacts and step summary are. */
function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.GITHUB_SERVER_URL || !env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

export interface PostOptions {
  readonly pr?: number;
  readonly author?: string;
  readonly bodySource?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Posts `body` as the PR's sticky comment and appends it to the step summary.
 * Returns undefined when no open PR matches the run (nothing to post to).
 */
export async function post(body: string, options: PostOptions = {}): Promise<UpsertResult | undefined> {
  const env = options.env ?? process.env;
  const withMarker = body.startsWith(COMMENT_MARKER) ? body : `${COMMENT_MARKER}\n${body}`;
  if (withMarker.length > GITHUB_COMMENT_LIMIT) throw errors.commentTooLong(withMarker.length, GITHUB_COMMENT_LIMIT, options.bodySource ?? 'the body');
  appendStepSummary(withMarker, env);
  const gh = githubEnv(env);
  const octokit = createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
  const pr = await resolvePullRequest(octokit, gh, options.pr);
  if (pr === undefined) return undefined;
  return upsertStickyComment({ octokit, owner: gh.owner, repo: gh.repo, issueNumber: pr, body: withMarker, marker: COMMENT_MARKER, author: options.author });
}

function appendStepSummary(text: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${text.endsWith('\n') ? text : `${text}\n`}\n`);
}
