/**
 * The GitHub environment settings that go with the access stack (docs/security.md):
 *
 * - the environment exists (otherwise a job naming it creates it, unprotected);
 * - deployment branches: main only (a custom branch policy of exactly "main");
 * - where the flags say `access.requireApproval`: required reviewers, at least one,
 *   and no self-review (whoever triggered the deploy cannot approve it).
 *
 * Read through the REST API (@octokit/rest). A token without the rights to read
 * an environment gets "not checked", never "ok".
 */
import type { Octokit } from '@octokit/rest';

export interface EnvironmentCheck {
  /** What is checked, e.g. "deployment branches: main only". */
  readonly setting: string;
  readonly status: 'ok' | 'missing' | 'not checked';
  /** What was found, and how to fix it when missing. */
  readonly detail: string;
}

export interface EnvironmentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly environment: string;
  /** From flags `access.requireApproval`. */
  readonly requireApproval: boolean;
  /** @default "main" */
  readonly mainBranch?: string;
}

interface ProtectionRule {
  readonly type: string;
  readonly prevent_self_review?: boolean;
  readonly reviewers?: readonly unknown[];
}

/** The environment's required-reviewer rule, or undefined (none, or the environment does not exist: status 404). */
export async function requiredReviewers(octokit: Octokit, target: Pick<EnvironmentTarget, 'owner' | 'repo' | 'environment'>): Promise<{ reviewers: number; preventSelfReview: boolean } | undefined> {
  const env = await octokit.rest.repos.getEnvironment({ owner: target.owner, repo: target.repo, environment_name: target.environment });
  const rule = ((env.data.protection_rules ?? []) as ProtectionRule[]).find((r) => r.type === 'required_reviewers');
  return rule ? { reviewers: rule.reviewers?.length ?? 0, preventSelfReview: rule.prevent_self_review === true } : undefined;
}

/** Every setting, checked. */
export async function checkEnvironmentSettings(octokit: Octokit, target: EnvironmentTarget): Promise<EnvironmentCheck[]> {
  const { owner, repo, environment } = target;
  const main = target.mainBranch ?? 'main';
  const where = `Settings → Environments → ${environment}`;
  let data: { deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null; protection_rules?: unknown[] };
  try {
    data = (await octokit.rest.repos.getEnvironment({ owner, repo, environment_name: environment })).data as typeof data;
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 404) {
      return [{ setting: 'environment exists', status: 'missing', detail: `${owner}/${repo} has no environment "${environment}": a deploy job naming it would create it with no protection; create it in ${where}` }];
    }
    return [{ setting: 'environment exists', status: 'not checked', detail: `GitHub answered ${status ?? 'nothing'} (${(e as Error).message}); a token with read access to the repository's environments is needed` }];
  }
  const checks: EnvironmentCheck[] = [{ setting: 'environment exists', status: 'ok', detail: `${owner}/${repo} environment "${environment}"` }];

  const policy = data.deployment_branch_policy;
  const branchSetting = `deployment branches: ${main} only`;
  if (!policy) {
    checks.push({ setting: branchSetting, status: 'missing', detail: `any branch may deploy; fix: in ${where}, "Deployment branches and tags": Selected, add "${main}"` });
  } else if (policy.protected_branches) {
    checks.push({ setting: branchSetting, status: 'missing', detail: `every protected branch may deploy; fix: in ${where}, choose Selected branches and add only "${main}"` });
  } else {
    const listed = await octokit.rest.repos.listDeploymentBranchPolicies({ owner, repo, environment_name: environment, per_page: 100 });
    const names = listed.data.branch_policies.map((p) => `${(p as { type?: string }).type === 'tag' ? 'tag:' : ''}${p.name}`);
    checks.push(
      names.length === 1 && names[0] === main
        ? { setting: branchSetting, status: 'ok', detail: `only "${main}"` }
        : { setting: branchSetting, status: 'missing', detail: `the allowed branches are ${names.map((n) => JSON.stringify(n)).join(', ') || 'none'}; fix: in ${where}, allow exactly "${main}"` },
    );
  }

  if (target.requireApproval) {
    const rule = ((data.protection_rules ?? []) as ProtectionRule[]).find((r) => r.type === 'required_reviewers');
    const reviewers = rule?.reviewers?.length ?? 0;
    checks.push(
      reviewers > 0
        ? { setting: 'required reviewers', status: 'ok', detail: `${reviewers} reviewer${reviewers === 1 ? '' : 's'}` }
        : { setting: 'required reviewers', status: 'missing', detail: `flags say access.requireApproval, but nobody must approve; fix: in ${where}, add required reviewers` },
    );
    checks.push(
      rule?.prevent_self_review
        ? { setting: 'no self-review', status: 'ok', detail: 'whoever triggers a deploy cannot approve it' }
        : { setting: 'no self-review', status: 'missing', detail: `whoever triggers a deploy may approve it themselves; fix: in ${where}, tick "Prevent self-review"` },
    );
  }
  return checks;
}
