/**
 * Deploy history in GitHub Deployments, which on-call can read in the browser
 * (the repository's "Environments" / "Deployments" pages) and `npm run history`
 * lists. Each deploy is one Deployment of its environment, whose payload records
 * what was deployed and why it was allowed (commit, PR, actor, flags changed, plan
 * counts, guard results), and whose statuses record how it went: in_progress, then
 * success, failure or error, each with a link to the run.
 *
 * A Deployment's payload cannot be changed after it is created, so the outcome and
 * the duration, known only at the end, live in the final status: its state, its
 * description ("<outcome> in <duration>: <summary>") and its time.
 */
import type { Octokit } from '@octokit/rest';
import { createOctokit } from '../github/sticky-comment';
import { deployErrors } from '../errors';
import type { GuardResult } from './guards/guard';
import type { RecordedPlanCounts } from './plan-counts';

export type DeployOutcome = 'success' | 'guard-refused' | 'apply-failed' | 'unhealthy' | 'error';

/** The GitHub deployment-status state of each outcome. */
export const STATUS_STATE: Readonly<Record<DeployOutcome, 'success' | 'failure' | 'error'>> = {
  success: 'success',
  'apply-failed': 'failure',
  unhealthy: 'failure',
  // Nothing was applied: the deploy did not run, rather than ran and failed.
  'guard-refused': 'error',
  error: 'error',
};

/** The plan counts a Deployment's payload carries (a deploy of an earlier version recorded fewer). */
export type PlanCounts = RecordedPlanCounts;

/** What a deploy records when it starts (after plan and guards). */
export interface DeployRecord {
  readonly environment: string;
  /** Full SHA of the commit deployed. */
  readonly commit: string;
  /** The pull request that brought the commit, when known. */
  readonly pr?: number;
  /** Who caused the deploy (GITHUB_ACTOR, or the user running it by hand). */
  readonly actor: string;
  /** The flags that change, e.g. "$.ingest.buildId: \"a\" → \"b\"". */
  readonly flagsChanged: readonly string[];
  readonly planCounts: PlanCounts;
  readonly guards: readonly GuardResult[];
  /** Link to the CI run (or empty when run by hand). */
  readonly runUrl?: string;
  /** True when the apply is simulated (the sandbox). @default false */
  readonly simulated?: boolean;
  /** The break-glass override the deploy used (lib/deploy/break-glass.ts). @default none */
  readonly breakGlass?: { readonly reason: string; readonly source: string; readonly actor?: string };
  /** Guard refusals let through by a commit trailer. @default none */
  readonly overrides?: readonly DeployOverride[];
}

/** A guard refusal let through by a commit trailer (Allow-Error-Budget, Allow-Change-Size). */
export interface DeployOverride {
  readonly guard: string;
  readonly trailer: string;
  readonly value: string;
  readonly commit: string;
}

/** The payload stored on each Deployment; `fleetflags: 1` marks ours and its version. */
export interface DeployPayload {
  readonly fleetflags: 1;
  readonly environment: string;
  readonly commit: string;
  readonly pr: number | null;
  readonly actor: string;
  readonly flagsChanged: readonly string[];
  readonly planCounts: PlanCounts;
  readonly guards: readonly { readonly guard: string; readonly outcome: string; readonly message: string }[];
  readonly startedAt: string;
  readonly runUrl: string | null;
  readonly simulated: boolean;
  readonly overrides?: readonly DeployOverride[];
  /** Audited emergency override, or null. */
  readonly breakGlass: { readonly reason: string; readonly source: string; readonly actor?: string } | null;
}

export interface DeploymentHandle {
  readonly id: number;
  readonly environment: string;
  readonly startedAt: Date;
  readonly runUrl?: string;
}

export interface FinishOptions {
  /** A few words of why, e.g. "DeployNotFrozen blocked" or "3/3 targets healthy". */
  readonly summary?: string;
  /** @default now */
  readonly finishedAt?: Date;
}

/** One deploy as `npm run history` shows it. */
export interface DeployHistoryEntry {
  readonly id: number;
  readonly createdAt: string;
  readonly environment: string;
  readonly commit: string;
  readonly pr?: number;
  readonly actor: string;
  readonly flagsChanged: readonly string[];
  readonly planCounts?: PlanCounts;
  /** The outcome from the latest status: an outcome word, or "in_progress", "unknown". */
  readonly outcome: string;
  /** The GitHub state of the latest status (success, failure, error, in_progress, inactive...). */
  readonly state: string;
  readonly description?: string;
  readonly durationSeconds?: number;
  readonly logUrl?: string;
  readonly simulated: boolean;
  /** The guard results recorded when the deploy started (outcome and message). */
  readonly guards?: readonly { readonly guard: string; readonly outcome: string; readonly message: string }[];
  readonly overrides?: readonly DeployOverride[];
  /** When the final status was posted (the deploy finished). */
  readonly finishedAt?: string;
  /** Who created the Deployment (its creator's login). */
  readonly creator?: string;
  /** The Deployment's task ("deploy"). */
  readonly task?: string;
  /** The Deployment's ref and SHA as GitHub stored them. */
  readonly sha?: string;
  /** The payload as stored, for trust checks (lib/deploy/trusted-history.ts). */
  readonly payload?: unknown;
}

export interface GitHubConfig {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** @default "https://api.github.com" */
  readonly apiUrl: string;
}

/** GITHUB_TOKEN, GITHUB_REPOSITORY ("owner/repo") and GITHUB_API_URL, as GitHub Actions sets them. */
export function githubConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubConfig {
  const token = env.GITHUB_TOKEN;
  if (!token) throw deployErrors.githubNotConfigured('GITHUB_TOKEN');
  const repository = env.GITHUB_REPOSITORY;
  if (!repository) throw deployErrors.githubNotConfigured('GITHUB_REPOSITORY');
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) throw deployErrors.badRepository(repository);
  return { token, owner, repo, apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '') };
}

/** The link to the current GitHub Actions run, when running in one. */
export function runUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = env;
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined;
  const attempt = GITHUB_RUN_ATTEMPT && GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${GITHUB_RUN_ATTEMPT}` : '';
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}${attempt}`;
}

/** The PR number in a merge or squash commit's message ("Merge pull request #12 ..." or "Title (#12)"). */
export function pullRequestOf(commitMessage: string): number | undefined {
  const subject = commitMessage.split('\n')[0];
  const m = subject.match(/^Merge pull request #(\d+)\b/) ?? subject.match(/\(#(\d+)\)\s*$/);
  return m ? Number(m[1]) : undefined;
}

/** "4m12s", "37s", "1h02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const MAX_GUARD_MESSAGE = 600;
const MAX_DESCRIPTION = 140;

export class DeployHistory {
  /** Reads the configuration from the environment (see githubConfigFromEnv). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DeployHistory {
    return new DeployHistory(githubConfigFromEnv(env));
  }

  private readonly octokit: Octokit;

  constructor(private readonly config: GitHubConfig) {
    this.octokit = createOctokit({ token: config.token, baseUrl: config.apiUrl });
  }

  /** Creates the Deployment with the record as its payload, and its in_progress status. */
  async start(record: DeployRecord, startedAt: Date = new Date()): Promise<DeploymentHandle> {
    const payload: DeployPayload = {
      fleetflags: 1,
      environment: record.environment,
      commit: record.commit,
      pr: record.pr ?? null,
      actor: record.actor,
      flagsChanged: record.flagsChanged,
      planCounts: record.planCounts,
      guards: record.guards.map((g) => ({ guard: g.guard, outcome: g.outcome, message: truncate(g.message, MAX_GUARD_MESSAGE) })),
      startedAt: startedAt.toISOString(),
      runUrl: record.runUrl ?? null,
      simulated: record.simulated ?? false,
      ...(record.overrides?.length ? { overrides: record.overrides } : {}),
      breakGlass: record.breakGlass ?? null,
    };
    const { owner, repo } = this.config;
    const created = await this.call('create the deployment', () =>
      this.octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: record.commit,
        environment: record.environment,
        task: 'deploy',
        auto_merge: false,
        required_contexts: [],
        payload: payload as unknown as Record<string, unknown>,
        description: truncate(`${record.breakGlass ? '[BREAK GLASS] ' : ''}${record.simulated ? '[simulated] ' : ''}${record.commit.slice(0, 12)} by ${record.actor}`, MAX_DESCRIPTION),
        production_environment: record.environment === 'production',
        transient_environment: false,
      }),
    );
    const id = (created.data as { id?: number }).id;
    if (typeof id !== 'number') {
      throw deployErrors.githubApiFailed('create the deployment', created.status, JSON.stringify(created.data));
    }
    await this.status(id, record.environment, 'in_progress', `deploying ${record.commit.slice(0, 12)}`, record.runUrl);
    return { id, environment: record.environment, startedAt, runUrl: record.runUrl };
  }

  /** Posts the final status: success, failure or error, with the outcome and duration. */
  async finish(handle: DeploymentHandle, outcome: DeployOutcome, options: FinishOptions = {}): Promise<void> {
    const seconds = ((options.finishedAt ?? new Date()).getTime() - handle.startedAt.getTime()) / 1000;
    const description = `${outcome} in ${formatDuration(seconds)}${options.summary ? `: ${options.summary}` : ''}`;
    await this.status(handle.id, handle.environment, STATUS_STATE[outcome], description, handle.runUrl);
  }

  /** The latest deploys of `environment`, newest first, with their latest status. */
  async list(environment: string, limit = 20): Promise<DeployHistoryEntry[]> {
    const { owner, repo } = this.config;
    const deployments = await this.call('list deployments', () =>
      this.octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: Math.min(Math.max(limit, 1), 100) }),
    );
    return Promise.all(
      deployments.data.slice(0, limit).map(async (d) => {
        const statuses = await this.call(`list the statuses of deployment ${d.id}`, () =>
          this.octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: d.id, per_page: 1 }),
        );
        const latest = statuses.data[0];
        const payload = parsePayload(d.payload);
        const state = latest?.state ?? 'pending';
        const description = latest?.description ?? undefined;
        const finished = latest && ['success', 'failure', 'error'].includes(latest.state);
        const started = payload.startedAt ?? d.created_at;
        return {
          id: d.id,
          createdAt: d.created_at,
          environment: d.environment ?? environment,
          commit: payload.commit ?? d.sha,
          pr: typeof payload.pr === 'number' ? payload.pr : undefined,
          actor: payload.actor ?? d.creator?.login ?? 'unknown',
          flagsChanged: Array.isArray(payload.flagsChanged) ? payload.flagsChanged.map(String) : [],
          planCounts: payload.planCounts,
          outcome: outcomeOf(state, description),
          state,
          description,
          durationSeconds: finished ? (Date.parse(latest.created_at) - Date.parse(started)) / 1000 : undefined,
          logUrl: latest?.log_url || latest?.target_url || payload.runUrl || undefined,
          simulated: payload.simulated === true,
          ...(Array.isArray(payload.guards) ? { guards: payload.guards } : {}),
          ...(Array.isArray(payload.overrides) ? { overrides: payload.overrides } : {}),
          ...(finished ? { finishedAt: latest.created_at } : {}),
          creator: d.creator?.login,
          task: d.task,
          sha: d.sha,
          payload: d.payload,
        } satisfies DeployHistoryEntry;
      }),
    );
  }

  private async status(id: number, environment: string, state: 'in_progress' | 'success' | 'failure' | 'error', description: string, logUrl?: string) {
    const { owner, repo } = this.config;
    await this.call(`set deployment ${id} to ${state}`, () =>
      this.octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state,
        environment,
        description: truncate(description, MAX_DESCRIPTION),
        ...(logUrl ? { log_url: logUrl } : {}),
      }),
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as { status?: number; message?: string };
      throw deployErrors.githubApiFailed(what, err.status, err.message ?? String(e));
    }
  }
}

function outcomeOf(state: string, description?: string): string {
  const word = description?.match(/^(success|guard-refused|apply-failed|unhealthy|error)\b/)?.[1];
  if (word) return word;
  if (state === 'in_progress' || state === 'pending' || state === 'queued') return 'in_progress';
  return state;
}

function parsePayload(raw: unknown): Partial<Omit<DeployPayload, 'pr'>> & { pr?: unknown } {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' ? (value as Partial<DeployPayload>) : {};
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
