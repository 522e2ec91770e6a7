/**
 * InstanceRefreshBatchWithinLimit: an instance refresh that this deploy starts
 * (an Auto Scaling group updated in place whose launch template or mixed instances
 * policy changes) takes at most `changeLimits.refreshBatchPercent` of the fleet out
 * of service at once, i.e. its minimum healthy percentage is at least
 * 100 − refreshBatchPercent. With a low minimum healthy percentage, a bad build
 * replaces most of the fleet before the health checks can stop it.
 */
import { deepEqual, isPlainObject } from '../plan/flags-diff';
import { changeSizeMessages } from '../errors';
import { autoScalingGroupChanges, compliant, nonCompliant, notApplicable, type ChangeSizeRule, type PlanResourceChange } from './rule';

const REFRESH_TRIGGERS = ['launch_template', 'mixed_instances_policy'] as const;

/** Whether applying this change starts an instance refresh (its instance configuration changes). */
export function startsInstanceRefresh(rc: PlanResourceChange): boolean {
  const { actions, before, after, after_unknown: unknown } = rc.change;
  if (actions.length !== 1 || actions[0] !== 'update') return false;
  const b = isPlainObject(before) ? before : {};
  const a = isPlainObject(after) ? after : {};
  const u = isPlainObject(unknown) ? unknown : {};
  return REFRESH_TRIGGERS.some((k) => !deepEqual(b[k], a[k]) || containsTrue(u[k]));
}

/** The refresh's minimum healthy percentage (instance_refresh[0].preferences[0]), or undefined without a refresh block. */
export function refreshMinHealthyPercentage(rc: PlanResourceChange): number | undefined {
  const after = rc.change.after as { instance_refresh?: { preferences?: { min_healthy_percentage?: unknown }[] }[] } | undefined;
  const refresh = after?.instance_refresh?.[0];
  if (!refresh) return undefined;
  const value = refresh.preferences?.[0]?.min_healthy_percentage;
  // AWS's default minimum healthy percentage is 90.
  return typeof value === 'number' ? value : 90;
}

function containsTrue(v: unknown): boolean {
  if (v === true) return true;
  if (Array.isArray(v)) return v.some(containsTrue);
  if (isPlainObject(v)) return Object.values(v).some(containsTrue);
  return false;
}

export const InstanceRefreshBatchWithinLimit: ChangeSizeRule = {
  id: 'InstanceRefreshBatchWithinLimit',
  description: 'An instance refresh this deploy starts keeps at least 100 − changeLimits.refreshBatchPercent per cent of the fleet healthy.',
  limits: ['refreshBatchPercent'],
  check(input) {
    const id = this.id;
    const limit = input.limits.refreshBatchPercent;
    const refreshes = autoScalingGroupChanges(input.plans)
      .filter(startsInstanceRefresh)
      .map((rc) => {
        const minHealthy = refreshMinHealthyPercentage(rc);
        const desired = (rc.change.after as { desired_capacity?: unknown } | undefined)?.desired_capacity;
        return { stack: rc.stack, address: rc.address, minHealthy, desired: typeof desired === 'number' ? desired : undefined };
      });
    if (refreshes.length === 0) return notApplicable(id, 'no instance refresh starts');
    // No instance_refresh block: the group does not refresh itself; new instances come only with scaling.
    const checked = refreshes.filter((r) => r.minHealthy !== undefined) as (typeof refreshes[number] & { minHealthy: number })[];
    const refused = checked.filter((r) => 100 - r.minHealthy > limit);
    const shown = checked.map((r) => `${r.address} (min healthy ${r.minHealthy}%)`).join(', ') || 'none with an instance_refresh block';
    if (refused.length === 0) return compliant(id, `at most ${limit}% out of service at once: ${shown}`);
    return nonCompliant(
      id,
      `${refused.length} instance refresh${refused.length === 1 ? '' : 'es'} would take more than ${limit}% of a fleet out of service at once`,
      refused.map((r) => changeSizeMessages.refreshBatchTooLarge(r, limit, id)),
    );
  },
};
