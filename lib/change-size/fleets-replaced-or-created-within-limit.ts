/**
 * FleetsReplacedOrCreatedWithinLimit: one deploy creates or replaces at most
 * `changeLimits.fleetsReplacedOrCreated` Auto Scaling groups (read from the plans:
 * a create, or a replacement in either order). New groups start cold, replaced
 * ones drain; doing many at once is how a change takes every fleet down together.
 */
import { changeSizeMessages } from '../errors';
import { autoScalingGroupChanges, compliant, nonCompliant, notApplicable, type ChangeSizeRule } from './rule';

export const FleetsReplacedOrCreatedWithinLimit: ChangeSizeRule = {
  id: 'FleetsReplacedOrCreatedWithinLimit',
  description: 'One deploy creates or replaces at most changeLimits.fleetsReplacedOrCreated Auto Scaling groups.',
  limits: ['fleetsReplacedOrCreated'],
  check(input) {
    const id = this.id;
    const limit = input.limits.fleetsReplacedOrCreated;
    // A new environment creates every fleet; the limit is for changes to a running one.
    if (!input.before) return notApplicable(id, 'no deployed flags to compare with (a first deploy creates every fleet)');
    const fleets = autoScalingGroupChanges(input.plans)
      .filter((rc) => rc.change.actions.includes('create'))
      .map((rc) => ({ stack: rc.stack, address: rc.address, action: rc.change.actions.includes('delete') ? 'replace' : 'create' }));
    if (fleets.length === 0) return notApplicable(id, 'no Auto Scaling group is created or replaced');
    const shown = fleets.map((f) => `${f.action} ${f.address}`).join(', ');
    if (fleets.length <= limit) return compliant(id, `${fleets.length} of at most ${limit}: ${shown}`);
    return nonCompliant(id, `${fleets.length} Auto Scaling groups created or replaced; at most ${limit}`, [
      changeSizeMessages.tooManyFleets(input.environment, fleets, limit, id),
    ]);
  },
};
