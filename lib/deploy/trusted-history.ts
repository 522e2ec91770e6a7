/**
 * Which deploy-history entries count. "Last deployed" decides what a deploy is
 * compared with (forward only, the flags diff, the commit range the trailers come
 * from) and what a rollback reverts, so a forged Deployment (anyone with
 * `deployments: write`, or a token, can create one with a success status) must
 * not move it. An entry counts only when:
 *
 * - its creator is the deploy workflow's identity (`github-actions[bot]`: the
 *   token of deploy.yml, the only workflow with `deployments: write`);
 * - its task is "deploy" and its payload is the project's (`fleetflags: 1`, the
 *   DeployPayload shape, for this environment and the Deployment's own SHA);
 * - its commit is on main (`origin/main` in the clone).
 */
import * as z from 'zod';
import type { DeployHistoryEntry } from './history';
import { gitRaw } from './git';

/** The login GitHub gives the token of a workflow run. */
export const DEPLOY_WORKFLOW_IDENTITY = 'github-actions[bot]';

const PayloadSchema = z.object({
  fleetflags: z.literal(1),
  environment: z.string(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  pr: z.number().int().positive().nullable(),
  actor: z.string(),
  flagsChanged: z.array(z.string()),
  planCounts: z.object({ add: z.number(), change: z.number(), destroy: z.number() }).loose(),
  guards: z.array(z.object({ guard: z.string(), outcome: z.string(), message: z.string() })),
  startedAt: z.string(),
  runUrl: z.string().nullable(),
  simulated: z.boolean(),
});

export interface TrustPolicy {
  readonly repoDir: string;
  /** @default "github-actions[bot]" */
  readonly deployer?: string;
  /** @default "origin/main" */
  readonly mainRef?: string;
}

export interface TrustVerdict {
  readonly entry: DeployHistoryEntry;
  readonly trusted: boolean;
  /** Why not, when not trusted. */
  readonly reason?: string;
}

/** The verdict on one entry (see the module comment). */
export async function judgeDeploy(entry: DeployHistoryEntry, environment: string, policy: TrustPolicy): Promise<TrustVerdict> {
  const deployer = policy.deployer ?? DEPLOY_WORKFLOW_IDENTITY;
  const mainRef = policy.mainRef ?? 'origin/main';
  const no = (reason: string): TrustVerdict => ({ entry, trusted: false, reason });
  if (entry.creator !== deployer) return no(`created by ${entry.creator ?? 'nobody known'}, not by the deploy workflow (${deployer})`);
  if (entry.task !== undefined && entry.task !== 'deploy') return no(`task ${JSON.stringify(entry.task)}, not "deploy"`);
  let raw = entry.payload;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return no('its payload is not JSON');
    }
  }
  const parsed = PayloadSchema.safeParse(raw);
  if (!parsed.success) return no('its payload is not a fleetflags deploy payload');
  if (parsed.data.environment !== environment) return no(`its payload is for ${parsed.data.environment}, not ${environment}`);
  if (entry.sha !== undefined && parsed.data.commit !== entry.sha) return no(`its payload names ${parsed.data.commit.slice(0, 12)} but it deployed ${entry.sha.slice(0, 12)}`);
  const onMain = await gitRaw(['merge-base', '--is-ancestor', parsed.data.commit, mainRef], policy.repoDir);
  if (onMain.code !== 0) return no(`its commit ${parsed.data.commit.slice(0, 12)} is not on ${mainRef}`);
  return { entry, trusted: true };
}

/**
 * The last successful, trusted, non-simulated deploy of `environment`, newest first;
 * every skipped success is logged with why it did not count.
 */
export async function lastTrustedDeploy(
  entries: readonly DeployHistoryEntry[],
  environment: string,
  policy: TrustPolicy & { readonly log?: (line: string) => void },
): Promise<DeployHistoryEntry | undefined> {
  for (const entry of entries) {
    if (entry.outcome !== 'success' || entry.simulated) continue;
    const verdict = await judgeDeploy(entry, environment, policy);
    if (verdict.trusted) return entry;
    policy.log?.(`warning: ignoring deployment ${entry.id} (success, ${entry.commit.slice(0, 12)}): ${verdict.reason}`);
  }
  return undefined;
}
