/**
 * npm run plan-comment -- render --plan <plan.json>... [--format markdown|json]
 *     [--base-flags <dir> | --base-ref <git-ref>] [--head-flags <dir>] [--speculative]
 *     [--manifest out/plan/manifest.json] [--details-url <url>] [--commit <sha>] [--out <file>] [--step-summary]
 * npm run plan-comment -- post (--body <file> | --plan <plan.json>... [render options] | --failed)
 *     [--pr <number>] [--author <login>] [--head-sha <sha>]
 * npm run plan-comment -- trust [--pr <number>]
 * npm run plan-comment -- redact (--manifest <manifest.json> | --plan <plan.json> --out <file>)
 * npm run plan-comment -- flags-from-ref (--ref <git-ref> | --fetch-pr <number>) [--dir flags]
 *
 * `render` turns `terraform show -json` plans into the PR comment (markdown, at most
 * 65,536 characters) or a JSON summary. A plan file's stack is its name,
 * `<stack>.plan.json`, or given as `<stack>=<file>`.
 * `post` upserts the one sticky comment of the PR and writes $GITHUB_STEP_SUMMARY;
 * `post --failed` replaces the last plan with a notice that the plan run failed.
 * With `--head-sha`, `post` posts only when it is still the PR's head (a late run of
 * an older push never overwrites a newer comment). `post` renders plans itself (the
 * comment job's own, default-branch code); for a fork PR that changes code it adds
 * an "untrusted code" note.
 * `trust` writes what the comment job needs to $GITHUB_OUTPUT: pr, head_sha and
 * trust (same-repository, fork-flags-only, fork-code).
 * `redact` rewrites plans for upload: no plaintext sensitive value, no prior_state.
 * `flags-from-ref` writes a ref's flags files into the flags directory as data (git
 * objects, nothing run) and validates them (exit 3 when invalid).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { errors } from '../lib/errors';
import { createOctokit, upsertStickyComment, type UpsertResult } from '../lib/github/sticky-comment';
import { githubEnv, readEvent, resolvePullRequest } from '../lib/github/context';
import { planTrust, pullRequestFacts, type PlanTrust } from '../lib/github/pull-request';
import { loadFlagsOrThrow } from '../lib/flags/load';
import { diffFlags, readFlagsAtRef, readFlagsDir, type FlagChange } from '../lib/plan/flags-diff';
import { readPlanFile, stackOfPlanFile, stackPlan, type StackPlan } from '../lib/plan/plan-model';
import { redactPlan } from '../lib/plan/redact';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderFailure, renderJson, renderMarkdown, STEP_SUMMARY_LIMIT, type RenderOptions } from '../lib/plan/render';

const USAGE =
  'npm run plan-comment -- render --plan <plan.json>... [--format markdown|json] [--base-flags <dir> | --base-ref <ref>] ' +
  '[--head-flags <dir>] [--speculative] [--manifest <manifest.json>] [--details-url <url>] [--commit <sha>] [--out <file>] [--step-summary]\n' +
  '       npm run plan-comment -- post (--body <file> | --plan <plan.json>... [render options] | --failed) [--pr <number>] [--author <login>] [--head-sha <sha>]\n' +
  '       npm run plan-comment -- trust [--pr <number>]\n' +
  '       npm run plan-comment -- redact (--manifest <manifest.json> | --plan <plan.json> --out <file>)\n' +
  '       npm run plan-comment -- flags-from-ref (--ref <git-ref> | --fetch-pr <number>) [--dir flags]';

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
  'head-sha': { type: 'string' },
  'fetch-pr': { type: 'string' },
  ref: { type: 'string' },
  dir: { type: 'string' },
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
  /** The plans were computed by a fork's own code. @default false */
  readonly untrustedCode?: boolean;
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
  if (!['render', 'post', 'trust', 'redact', 'flags-from-ref'].includes(command ?? '')) {
    throw errors.usage(command ? `unknown command ${JSON.stringify(command)}` : 'no command', USAGE);
  }
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

  if (command === 'trust') return trust(v.pr === undefined ? undefined : prNumber(v.pr));
  if (command === 'redact') {
    if (v.manifest) {
      const files = redactManifest(v.manifest);
      console.log(`redacted ${files.length} plan(s): ${files.join(', ')}`);
    } else if (plans.length === 1 && v.out) {
      writeFileSync(v.out, `${JSON.stringify(redactPlan(readPlanFile(plans[0].file)))}\n`);
    } else throw errors.usage('redact needs --manifest <manifest.json>, or one --plan <plan.json> and --out <file>', USAGE);
    return 0;
  }
  if (command === 'flags-from-ref') {
    if (!v.ref && !v['fetch-pr']) throw errors.usage('flags-from-ref needs --ref <git-ref> or --fetch-pr <number>', USAGE);
    let ref = v.ref ?? 'FETCH_HEAD';
    if (v['fetch-pr']) {
      // The PR head's objects, as data: fetched, never checked out.
      const pr = prNumber(v['fetch-pr']);
      const fetched = await $({ quiet: true, nothrow: true })`git fetch --no-tags --depth=1 origin ${`refs/pull/${pr}/head`}`;
      if (fetched.exitCode !== 0) throw errors.gitRefUnknown(`refs/pull/${pr}/head`, process.cwd(), fetched.stderr);
      ref = 'FETCH_HEAD';
    }
    const written = flagsFromRef(ref, v.dir ?? 'flags');
    console.log(`flags of ${v.ref}, validated: ${written.join(', ')}`);
    return 0;
  }

  if (command === 'render') {
    if (plans.length === 0 && !v.manifest) throw errors.usage('render needs --plan <plan.json> (or --manifest)', USAGE);
    const text = render(renderArgs);
    if (v.out) writeFileSync(v.out, text);
    else process.stdout.write(text);
    // The step summary holds up to 1 MiB: the details the comment had to cut.
    if (v['step-summary'] && format === 'markdown') appendStepSummary(render({ ...renderArgs, maxChars: STEP_SUMMARY_LIMIT }));
    return 0;
  }

  let body: string | ((trust?: PlanTrust) => string);
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
    // Rendered here, by this (the comment job's) code, once the PR is known: a fork's code change gets its note.
    body = (trust?: PlanTrust) => render({ ...renderArgs, format: 'markdown', untrustedCode: trust === 'fork-code' });
  } else {
    throw errors.usage('post needs --body <file>, --plan <plan.json>... or --failed', USAGE);
  }
  const pr = v.pr === undefined ? undefined : prNumber(v.pr);
  const result = await post(body, { pr, author: v.author, bodySource, headSha: v['head-sha'] });
  if (result && 'stale' in result) {
    console.log(`not posted: the run is for ${result.stale.slice(0, 12)}, the PR's head is now ${result.head.slice(0, 12)} (a newer run comments)`);
  } else {
    console.log(result ? `${result.action} the plan comment ${result.url ?? result.commentId}` : 'no open pull request matches this run (pushed again or closed); nothing posted');
  }
  return 0;
}

function prNumber(raw: string): number {
  const pr = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(pr) || pr < 1) throw errors.usage(`--pr must be a PR number; got ${JSON.stringify(raw)}`, USAGE);
  return pr;
}

/** `trust`: pr, head_sha and trust of the PR, to $GITHUB_OUTPUT (and stdout). */
async function trust(explicit: number | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const gh = githubEnv(env);
  const octokit = createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
  const pr = await resolvePullRequest(octokit, gh, explicit);
  const lines = pr === undefined ? ['pr=', 'head_sha=', 'trust='] : await (async () => {
    const facts = await pullRequestFacts({ octokit, owner: gh.owner, repo: gh.repo, pr });
    return [`pr=${pr}`, `head_sha=${facts.headSha}`, `trust=${planTrust(facts)}`];
  })();
  for (const l of lines) console.log(l);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
  return 0;
}

/** Rewrites every plan of a manifest redacted, in place; returns the files. */
export function redactManifest(manifestFile: string): string[] {
  const manifest = readManifest(manifestFile);
  const dir = path.dirname(manifestFile);
  const files: string[] = [];
  for (const s of manifest.stacks ?? []) {
    if (!s.planFile) continue;
    const file = insideDir(dir, s.planFile, manifestFile);
    writeFileSync(file, `${JSON.stringify(redactPlan(readPlanFile(file)))}\n`);
    files.push(s.planFile);
  }
  return files;
}

/**
 * Replaces the flags files of `dir` by those of `ref`, read from git objects (data:
 * nothing of the ref is run), then validates them the way every script does.
 */
export function flagsFromRef(ref: string, dir = 'flags', cwd = process.cwd()): string[] {
  const flags = readFlagsAtRef(ref, dir, cwd);
  const target = path.resolve(cwd, dir);
  for (const name of readdirSync(target)) if (name.endsWith('.json') && name !== 'schema.json' && !flags.has(name)) rmSync(path.join(target, name));
  for (const [name, json] of flags) writeFileSync(path.join(target, name), typeof json === 'string' ? json : `${JSON.stringify(json, null, 2)}\n`);
  const files = [...flags.keys()].map((n) => path.join(dir, n));
  loadFlagsOrThrow(files.map((f) => path.resolve(cwd, f)));
  return files;
}

/** A path of the manifest, which must stay inside its directory (the manifest came from an untrusted run). */
function insideDir(dir: string, rel: string, manifestFile: string): string {
  const full = path.resolve(dir, rel);
  const back = path.relative(path.resolve(dir), full);
  if (path.isAbsolute(rel) || back.startsWith('..') || path.isAbsolute(back)) {
    throw errors.planManifestInvalid(manifestFile, `the path ${JSON.stringify(rel)} leaves the manifest's directory; allowed: paths inside it`);
  }
  return full;
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
      if (s.planFile) plans.push({ file: insideDir(manifestDir, s.planFile, args.manifest!), stack: s.stack, environment: s.environment });
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
    flagChanges = diffFlags(flagsFromManifest(manifest.baseFlags, manifestDir, args.manifest!), flagsFromManifest(manifest.headFlags, manifestDir, args.manifest!));
  }

  const options: RenderOptions = {
    speculative: args.speculative || manifest?.mode === 'speculative' || (manifest?.stacks ?? []).some((s) => s.speculative === true),
    flagChanges,
    detailsUrl: args.detailsUrl ?? runUrl(),
    commit: args.commit,
    maxChars: args.maxChars,
    notPlanned: manifest?.unchanged,
    baseRef: manifest?.changedSince ?? undefined,
    untrustedCode: args.untrustedCode,
  };
  return args.format === 'json' ? renderJson(stacks, options) : renderMarkdown(stacks, options);
}

/** `{ env: file }` -> the FlagsSet diffFlags takes (`<env>.json` -> parsed JSON). */
function flagsFromManifest(files: Record<string, string> | undefined, dir: string, manifestFile: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [env, file] of Object.entries(files ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const full = insideDir(dir, file, manifestFile);
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
  /**
   * Post only while this is the PR's head commit. @default under workflow_run, the
   * run's head commit (from the event); otherwise no check
   */
  readonly headSha?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Not posted: the run is for `stale`, the PR has moved on to `head`. */
export interface StalePost {
  readonly stale: string;
  readonly head: string;
}

/**
 * Posts `body` (or the body rendered for the PR's trust) as the PR's sticky comment
 * and appends it to the step summary. Returns undefined when no open PR matches the
 * run (nothing to post to), and a StalePost when `headSha` is no longer the PR's head.
 */
export async function post(body: string | ((trust?: PlanTrust) => string), options: PostOptions = {}): Promise<UpsertResult | StalePost | undefined> {
  const env = options.env ?? process.env;
  const gh = githubEnv(env);
  const octokit = createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
  const pr = await resolvePullRequest(octokit, gh, options.pr);
  if (pr === undefined) return undefined;
  const event = gh.eventPath ? readEvent(gh.eventPath) : undefined;
  const headSha = options.headSha ?? (event?.workflowRun ? event.headSha : undefined);
  let text: string;
  if (typeof body === 'string' && headSha === undefined) text = body;
  else {
    const facts = await pullRequestFacts({ octokit, owner: gh.owner, repo: gh.repo, pr });
    if (headSha !== undefined && facts.headSha !== headSha) return { stale: headSha, head: facts.headSha };
    text = typeof body === 'string' ? body : body(planTrust(facts));
  }
  const withMarker = text.startsWith(COMMENT_MARKER) ? text : `${COMMENT_MARKER}\n${text}`;
  if (withMarker.length > GITHUB_COMMENT_LIMIT) throw errors.commentTooLong(withMarker.length, GITHUB_COMMENT_LIMIT, options.bodySource ?? 'the body');
  appendStepSummary(withMarker, env);
  return upsertStickyComment({ octokit, owner: gh.owner, repo: gh.repo, issueNumber: pr, body: withMarker, marker: COMMENT_MARKER, author: options.author });
}

function appendStepSummary(text: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${text.endsWith('\n') ? text : `${text}\n`}\n`);
}
