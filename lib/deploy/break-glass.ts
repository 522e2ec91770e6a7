/**
 * Break glass: the audited way to deploy a rollback while deploys are frozen, above
 * all when LaunchDarkly cannot be reached and production fails closed.
 *
 * - Given as the deploy workflow's `break-glass-reason` input
 *   (FLEETFLAGS_BREAK_GLASS_REASON) or a `Break-Glass: <reason>` trailer on the
 *   commit being deployed. The reason is required: an empty one is no override.
 * - It lets a **rollback** through the freeze, never a feature change: the run must
 *   say it is a rollback and git must agree (the commit goes back in history, or
 *   every commit since the last deploy is a `git revert`).
 * - It is recorded: the guard result, the deploy record, the GitHub Deployment's
 *   payload and the Honeycomb marker all carry the reason and who gave it.
 */
import type { BreakGlass, CommitRange } from './guards/guard';
import { gitRaw } from './git';

export type { BreakGlass } from './guards/guard';

/** The environment variable the deploy workflow sets from its `break-glass-reason` input. */
export const BREAK_GLASS_ENV = 'FLEETFLAGS_BREAK_GLASS_REASON';
/** The commit trailer: `Break-Glass: <reason>`. */
export const BREAK_GLASS_TRAILER = 'Break-Glass';
const MAX_REASON = 300;

/** The override of this run, if any: the workflow input first, else the head commit's trailer. */
export function breakGlassFrom(options: { readonly env: NodeJS.ProcessEnv; readonly commitMessage: string; readonly actor?: string }): BreakGlass | undefined {
  const fromInput = options.env[BREAK_GLASS_ENV]?.trim();
  if (fromInput) return { reason: fromInput.slice(0, MAX_REASON), source: 'workflow input', ...(options.actor ? { actor: options.actor } : {}) };
  const trailer = options.commitMessage
    .split('\n')
    .map((l) => l.match(new RegExp(`^${BREAK_GLASS_TRAILER}:\\s*(.*\\S)\\s*$`, 'i'))?.[1])
    .filter((r): r is string => r !== undefined)
    .pop();
  if (trailer) return { reason: trailer.slice(0, MAX_REASON), source: 'commit trailer', ...(options.actor ? { actor: options.actor } : {}) };
  return undefined;
}

/**
 * Whether git agrees the deploy is a rollback: the head goes back in history (an
 * ancestor of the last deployed commit), or every non-merge commit since the last
 * deploy is a `git revert` ("This reverts commit <sha>."). With no last deploy
 * known, nothing can be shown to be a rollback.
 */
export async function isRollbackRange(commits: CommitRange, repoDir: string): Promise<boolean> {
  const { base, head } = commits;
  if (!base || base === head) return false;
  if ((await gitRaw(['merge-base', '--is-ancestor', head, base], repoDir)).code === 0) return true;
  const log = await gitRaw(['log', '--no-merges', '--format=%H%x00%B%x01', `${base}..${head}`], repoDir);
  if (log.code !== 0) return false;
  const messages = log.stdout.split('\x01').map((c) => c.trim()).filter(Boolean).map((c) => c.split('\x00')[1] ?? '');
  return messages.length > 0 && messages.every((m) => /^This reverts commit [0-9a-f]{7,40}\b/m.test(m));
}

/** " BREAK GLASS (workflow input, by alice): <reason>" for markers and descriptions. */
export function breakGlassNote(breakGlass: BreakGlass | undefined): string {
  if (!breakGlass) return '';
  return ` BREAK GLASS (${breakGlass.source}${breakGlass.actor ? `, by ${breakGlass.actor}` : ''}): ${breakGlass.reason}`;
}
