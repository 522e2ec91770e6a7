/**
 * Drift detection: every deployable stack is planned against its real state with
 * `-detailed-exitcode` (a read-only role: `-lock=false`), and the result is kept in
 * ONE GitHub issue, found by a hidden marker across every page of the repository's
 * issues (open and closed), updated in place, never duplicated.
 *
 * The report separates two things a plan mixes:
 * - **Changed outside Terraform** (`resource_drift`): the refresh found the real
 *   object differs from the state (a console edit, another tool, AWS itself) AND the
 *   plan changes that object back (or it is gone). The next deploy would undo these.
 *   A refresh difference the plan does not act on is not drift: an attribute another
 *   resource fills in (a security group's rules, a role's inline policy, a target
 *   group's load balancers), or an empty value the provider stored as null at create
 *   and reads back as `{}`/`[]`. Terraform reports those in `resource_drift` after
 *   every create until the next apply; counting them, a fresh deploy showed ~30
 *   "drifted" resources and no change to make.
 * - **Not yet deployed** (`resource_changes`): main differs from what runs, e.g. a
 *   deploy was refused, failed, or is frozen: what a deploy would apply to resources
 *   (lib/deploy/plan-counts.ts), moves and imports included. The changes that undo drift
 *   are listed under the drift, not here; root outputs are not listed (one that drift
 *   changes cannot be told apart from one main changes).
 *
 * The issue's life:
 * - something found, no issue yet → create it;
 * - something found, issue exists → update its title and body (reopen it if closed);
 * - nothing found, issue open → comment "no drift as of …" and close it (completed);
 * - nothing found, no open issue → nothing to do.
 * So an open drift issue always means "look at this", and its history (comments,
 * reopenings) is the drift history.
 */
import type { Octokit } from '@octokit/rest';
import { deployErrors, jsonPath } from '../errors';
import { diffValues } from '../plan/flags-diff';
import { compare, environmentOfStack, isImported, kindOf, movedFrom } from '../plan/plan-model';
import { type TerraformPlan, type TerraformResourceChange } from '../plan/plan-json';

/** Hidden marker that identifies the drift issue. */
export const DRIFT_MARKER = '<!-- fleetflags:drift -->';
/** GitHub's limit on issue bodies, with room to spare. */
const BODY_LIMIT = 60_000;
const MAX_ATTRIBUTES = 12;

export interface DriftPlan {
  readonly stack: string;
  /** `terraform plan -detailed-exitcode`: 0 nothing, 2 changes or drift. */
  readonly exitCode?: number;
  readonly plan: TerraformPlan;
}

export interface DriftAttribute {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /** "update" (changed outside Terraform) or "delete" (deleted outside Terraform). */
  readonly actions: readonly string[];
  readonly attributes: readonly DriftAttribute[];
  readonly moreAttributes: number;
}

export interface PendingChange {
  /** The resource instance's address. */
  readonly address: string;
  /** The plan model's kind of the action (update, replace, ...); "move" or "import" when that is all the plan does to it. */
  readonly kind: string;
  readonly actions: readonly string[];
  /** The address it moves from (a `moved` block). */
  readonly previousAddress?: string;
}

export interface StackDrift {
  readonly stack: string;
  readonly environment: string;
  readonly drift: readonly DriftedResource[];
  readonly pending: readonly PendingChange[];
}

export interface DriftReport {
  readonly format: 'fleetflags.drift/1';
  readonly generatedAt: string;
  readonly stacks: readonly StackDrift[];
  readonly driftCount: number;
  readonly pendingCount: number;
  readonly clean: boolean;
}

/** Separates drift from undeployed changes, per stack. */
export function buildDriftReport(plans: readonly DriftPlan[], now: Date): DriftReport {
  const stacks = [...plans]
    .sort((a, b) => compare(a.stack, b.stack))
    .map(({ stack, plan }): StackDrift => {
      // What a deploy would apply to resources (lib/deploy/plan-counts.ts): an action, a move or an import.
      const planned = (plan.resource_changes ?? []).filter(isManaged).filter((rc) => !isNoAction(rc) || movedFrom(rc) !== undefined || isImported(rc));
      // Only an action puts a drifted object back: a refresh difference on an instance that only moves
      // is one the plan ignores (ignore_changes), not drift.
      const acted = new Set(planned.filter((rc) => !isNoAction(rc)).map((rc) => rc.address));
      // Drift: gone, or planned back with at least one real difference (not only empty-for-empty):
      // a noise-only refresh difference on a resource a merged change updates is that change, pending.
      const drift = (plan.resource_drift ?? [])
        .filter(isManaged)
        .filter((rc) => isGone(rc) || acted.has(rc.address))
        .map(drifted)
        .filter((d) => d.actions.includes('delete') || d.attributes.length > 0)
        .sort((a, b) => compare(a.address, b.address));
      const driftAddresses = new Set(drift.map((d) => d.address));
      return {
        stack,
        environment: environmentOfStack(stack),
        drift,
        // Root outputs are not listed: an output a drifted resource changes (a load balancer deleted outside
        // Terraform and planned back gets a new DNS name) looks the same as one a merged change makes.
        pending: planned
          .filter((rc) => !driftAddresses.has(rc.address))
          .map(pendingChange)
          .sort((a, b) => compare(a.address, b.address)),
      };
    });
  const driftCount = stacks.reduce((n, s) => n + s.drift.length, 0);
  const pendingCount = stacks.reduce((n, s) => n + s.pending.length, 0);
  return { format: 'fleetflags.drift/1', generatedAt: now.toISOString(), stacks, driftCount, pendingCount, clean: driftCount + pendingCount === 0 };
}

function isNoAction(rc: TerraformResourceChange): boolean {
  return rc.change.actions.every((a) => a === 'no-op' || a === 'read');
}

function pendingChange(rc: TerraformResourceChange): PendingChange {
  const from = movedFrom(rc);
  const kind = !isNoAction(rc) ? kindOf(rc.change.actions).kind : from !== undefined ? 'move' : 'import';
  return { address: rc.address, kind, actions: rc.change.actions, ...(from !== undefined ? { previousAddress: from } : {}) };
}

function isManaged(rc: TerraformResourceChange): boolean {
  return (rc.mode ?? 'managed') === 'managed';
}

/** Deleted outside Terraform: the refresh found no object. */
function isGone(rc: TerraformResourceChange): boolean {
  return rc.change.after === null || rc.change.after === undefined;
}

/** null, absent, "", [] and {}: what the provider stores at create and reads back differently. */
function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function drifted(rc: TerraformResourceChange): DriftedResource {
  const { before, after, before_sensitive: bs, after_sensitive: as } = rc.change;
  const deleted = isGone(rc);
  const all = deleted ? [] : diffValues(before ?? {}, after ?? {}).filter((d) => !(isEmptyValue(d.before) && isEmptyValue(d.after)));
  // A tag changed outside Terraform shows in both tags and tags_all: show it once.
  const diffs = all.filter((d) => d.path[0] !== 'tags_all' || !all.some((o) => o.path[0] === 'tags' && o.path[1] === d.path[1]));
  const attributes = diffs.slice(0, MAX_ATTRIBUTES).map((d) => {
    const secret = sensitiveAt(bs, d.path) || sensitiveAt(as, d.path);
    return { path: attributePath(d.path), before: secret ? '(sensitive)' : brief(d.before), after: secret ? '(sensitive)' : brief(d.after) };
  });
  return {
    address: rc.address,
    type: rc.type,
    actions: deleted ? ['delete'] : rc.change.actions,
    attributes,
    moreAttributes: Math.max(0, diffs.length - MAX_ATTRIBUTES),
  };
}

/** Whether the `*_sensitive` tree marks `path` (or a parent of it) as sensitive. */
function sensitiveAt(tree: unknown, path: readonly (string | number)[]): boolean {
  let node: unknown = tree;
  for (const key of path) {
    if (node === true) return true;
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node === true;
}

function attributePath(path: readonly (string | number)[]): string {
  return jsonPath(path).replace(/^\$\.?/, '') || '(whole object)';
}

function brief(value: unknown): string {
  if (value === undefined) return '(none)';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** The issue's title: what is wrong, in numbers. */
export function driftTitle(report: DriftReport): string {
  if (report.clean) return 'Drift: none, every stack matches main';
  const parts: string[] = [];
  if (report.driftCount) parts.push(`${report.driftCount} resource${report.driftCount === 1 ? '' : 's'} changed outside Terraform`);
  if (report.pendingCount) parts.push(`${report.pendingCount} change${report.pendingCount === 1 ? '' : 's'} not yet deployed`);
  return `Drift: ${parts.join(', ')}`;
}

/** The issue body (markdown, under GitHub's limit; long lists are cut, and it says so). */
export function renderDriftIssue(report: DriftReport, options: { readonly runUrl?: string } = {}): string {
  const head: string[] = [
    DRIFT_MARKER,
    `# ${driftTitle(report)}`,
    '',
    `Checked ${report.generatedAt} by \`npm run drift\` (every deployable stack, \`terraform plan -detailed-exitcode\` against real state)` +
      (options.runUrl ? `, [run](${options.runUrl})` : '') +
      '. This issue is updated in place by each check, and closed when a check finds nothing.',
    '',
    '| stack | changed outside Terraform | not yet deployed |',
    '| --- | --: | --: |',
    ...report.stacks.map((s) => `| \`${s.stack}\` | ${s.drift.length} | ${s.pending.length} |`),
    '',
  ];
  const sections: string[] = [];
  for (const s of report.stacks) {
    if (s.drift.length === 0 && s.pending.length === 0) continue;
    sections.push(`## \`${s.stack}\``, '');
    if (s.drift.length) {
      sections.push(
        `### Changed outside Terraform (${s.drift.length})`,
        '',
        'The real object differs from the state. The next deploy of this environment puts back what main says, unless main is changed to match.',
        '',
      );
      for (const d of s.drift) {
        sections.push(`- \`${d.address}\`${d.actions.includes('delete') ? ' **deleted outside Terraform**' : ''}`);
        for (const a of d.attributes) sections.push(`  - \`${a.path}\`: \`${a.before}\` → \`${a.after}\``);
        if (d.moreAttributes) sections.push(`  - and ${d.moreAttributes} more attribute(s)`);
      }
      sections.push('');
    }
    if (s.pending.length) {
      sections.push(
        `### Not yet deployed (${s.pending.length})`,
        '',
        'Main differs from what runs: a deploy was refused, failed, or has not run. See the deploy history (`npm run history -- --env ' + s.environment + '`).',
        '',
        ...s.pending.map((p) => `- ${p.kind} \`${p.address}\`${p.previousAddress !== undefined ? ` (from \`${p.previousAddress}\`)` : ''}`),
        '',
      );
    }
  }
  const fixes = report.clean
    ? ['No drift: every stack matches main.']
    : [
        '## What to do',
        '',
        '- **Changed outside Terraform, and the change should stay**: put it in `flags/<env>.json` (or the stacks) in a PR; its plan then shows no change for it.',
        '- **Changed outside Terraform by mistake**: re-run the deploy of the environment (the deploy workflow, "Run workflow"); it puts main back.',
        '- **Not yet deployed**: read why the last deploy stopped (`npm run history -- --env <env>`, docs/operating.md "deploy is blocked").',
      ];
  let body = [...head, ...sections, ...fixes].join('\n');
  if (body.length > BODY_LIMIT) {
    const tail = `\n\n…cut to fit GitHub's limit; the full report is in the drift job's log and out/drift/report.json.\n\n${fixes.join('\n')}`;
    body = `${[...head, ...sections].join('\n').slice(0, BODY_LIMIT - tail.length)}${tail}`;
  }
  return `${body}\n`;
}

export interface UpsertDriftIssueOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly report: DriftReport;
  readonly body: string;
}

export interface UpsertDriftIssueResult {
  readonly action: 'created' | 'updated' | 'reopened' | 'closed' | 'none';
  readonly number?: number;
  readonly url?: string;
  readonly issuesScanned: number;
}

/** Creates, updates, reopens or closes the one drift issue (see the module comment). */
export async function upsertDriftIssue(options: UpsertDriftIssueOptions): Promise<UpsertDriftIssueResult> {
  const { octokit, owner, repo, report, body } = options;
  const title = driftTitle(report);
  const issues = await call('list the issues', () => octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'all', per_page: 100 }));
  const ours = issues
    .filter((i) => !i.pull_request && (i.body ?? '').includes(DRIFT_MARKER))
    .sort((a, b) => Number(a.state !== 'open') - Number(b.state !== 'open') || a.number - b.number);
  const existing = ours[0];
  const scanned = issues.length;

  if (!report.clean) {
    if (!existing) {
      const created = await call('create the drift issue', () => octokit.rest.issues.create({ owner, repo, title, body }));
      return { action: 'created', number: created.data.number, url: created.data.html_url, issuesScanned: scanned };
    }
    const reopen = existing.state !== 'open';
    const updated = await call(`update issue #${existing.number}`, () =>
      octokit.rest.issues.update({ owner, repo, issue_number: existing.number, title, body, state: 'open' }),
    );
    return { action: reopen ? 'reopened' : 'updated', number: existing.number, url: updated.data.html_url, issuesScanned: scanned };
  }

  if (existing && existing.state === 'open') {
    await call(`comment on issue #${existing.number}`, () =>
      octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: existing.number,
        body: `${DRIFT_MARKER}\nNo drift as of ${report.generatedAt}: every stack matches main. Closing; the next check that finds drift reopens this issue.`,
      }),
    );
    const closed = await call(`close issue #${existing.number}`, () =>
      octokit.rest.issues.update({ owner, repo, issue_number: existing.number, title, body, state: 'closed', state_reason: 'completed' }),
    );
    return { action: 'closed', number: existing.number, url: closed.data.html_url, issuesScanned: scanned };
  }
  return { action: 'none', number: existing?.number, issuesScanned: scanned };
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { status?: number; message?: string };
    throw deployErrors.githubApiFailed(
      `${what} (the job needs \`permissions: issues: write\`)`,
      err.status,
      err.message ?? String(e),
    );
  }
}

/** A one-line summary per stack, for the log. */
export function driftSummaryLines(report: DriftReport): string[] {
  return report.stacks.map(
    (s) => `${s.stack}: ${s.drift.length} changed outside Terraform, ${s.pending.length} not yet deployed`,
  );
}
