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
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { errors } from '../lib/errors';
import { readEvent } from '../lib/github/context';
import { appendStepSummary, post, trustOutputs } from '../lib/github/post-comment';
import type { PlanTrust } from '../lib/github/pull-request';
import { runUrlFromEnv } from '../lib/deploy/history';
import { flagsFromRef, redactManifest, render, type RenderArgs } from '../lib/plan/comment-inputs';
import { readPlanFile } from '../lib/plan/plan-json';
import { redactPlan } from '../lib/plan/redact';
import { renderFailure, STEP_SUMMARY_LIMIT } from '../lib/plan/render';

export { flagsFromRef, redactManifest, render, type RenderArgs } from '../lib/plan/comment-inputs';
export { post, type PostOptions, type StalePost } from '../lib/github/post-comment';

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

  if (command === 'trust') {
    const lines = await trustOutputs(v.pr === undefined ? undefined : parsePullRequestNumber(v.pr));
    for (const l of lines) console.log(l);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
    return 0;
  }
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
      const pr = parsePullRequestNumber(v['fetch-pr']);
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
    body = renderFailure({ commit: v.commit ?? ev.headSha, runUrl: v['details-url'] ?? ev.runUrl ?? runUrlFromEnv() });
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
    // The details link is the plan run (its step summary and artifacts), not this comment job's run.
    const ev = process.env.GITHUB_EVENT_PATH ? readEvent(process.env.GITHUB_EVENT_PATH) : {};
    const detailsUrl = renderArgs.detailsUrl ?? ev.runUrl;
    body = (trust?: PlanTrust) => render({ ...renderArgs, detailsUrl, format: 'markdown', untrustedCode: trust === 'fork-code' });
  } else {
    throw errors.usage('post needs --body <file>, --plan <plan.json>... or --failed', USAGE);
  }
  const pr = v.pr === undefined ? undefined : parsePullRequestNumber(v.pr);
  const result = await post(body, { pr, author: v.author, bodySource, headSha: v['head-sha'] });
  if (result && 'stale' in result) {
    console.log(`not posted: the run is for ${result.stale.slice(0, 12)}, the PR's head is now ${result.head.slice(0, 12)} (a newer run comments)`);
  } else {
    console.log(result ? `${result.action} the plan comment ${result.url ?? result.commentId}` : 'no open pull request matches this run (pushed again or closed); nothing posted');
  }
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
