/**
 * Starting a workflow explicitly. Pushes and pull requests made with a workflow's
 * own `github.token` start no workflow runs (GitHub's rule against recursion), so a
 * rollback pushed from the rollback workflow would never reach deploy.yml, and its
 * PR would get no plan. After such a push the rollback dispatches the workflow
 * (`actions: write`) and links the run.
 */
import type { Octokit } from '@octokit/rest';
import { deployRunErrors } from '../errors';

export interface DispatchRequest {
  readonly owner: string;
  readonly repo: string;
  /** The workflow file, e.g. "deploy.yml". */
  readonly workflow: string;
  /** The branch to run it on. */
  readonly ref: string;
  readonly inputs?: Record<string, string>;
}

export interface Dispatched {
  readonly workflow: string;
  readonly ref: string;
  /** The run's page, when GitHub listed it in time; else the workflow's runs page. */
  readonly url: string;
  readonly runId?: number;
}

/** Dispatches the workflow and finds its run (polling the runs list a few times). */
export async function dispatchWorkflow(
  octokit: Octokit,
  request: DispatchRequest,
  options: { readonly attempts?: number; readonly delayMs?: number; readonly serverUrl?: string; readonly now?: () => Date } = {},
): Promise<Dispatched> {
  const { owner, repo, workflow, ref } = request;
  const now = options.now ?? (() => new Date());
  // GitHub's clocks and ours differ a little: look for runs from a minute before.
  const since = new Date(now().getTime() - 60_000);
  try {
    await octokit.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: workflow, ref, inputs: request.inputs ?? {} });
  } catch (e) {
    const err = e as { status?: number; message?: string };
    throw deployRunErrors.dispatchFailed(workflow, ref, err.status, err.message ?? String(e));
  }
  const attempts = options.attempts ?? 5;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, options.delayMs ?? 2000));
    const runs = await octokit.rest.actions
      .listWorkflowRuns({ owner, repo, workflow_id: workflow, event: 'workflow_dispatch', branch: ref, per_page: 10 })
      .catch(() => undefined);
    const run = runs?.data.workflow_runs.find((r) => Date.parse(r.created_at) >= since.getTime());
    if (run) return { workflow, ref, url: run.html_url, runId: run.id };
  }
  const server = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
  return { workflow, ref, url: `${server}/${owner}/${repo}/actions/workflows/${workflow}` };
}
