/**
 * OnDemandShareMoveWithinLimit: the on-demand percentage above the base capacity
 * (the spot-to-on-demand ratio flag) of the main fleet, and of a catch-up fleet
 * that stays enabled, moves at most `changeLimits.onDemandPercentagePoints` points
 * in one deploy. 100 → 50 passes; 100 → 0 (all spot at once, where a spot
 * reclaim wave can take the whole fleet) needs two steps or an override.
 */
import { changeSizeMessages } from '../errors';
import { compliant, nonCompliant, notApplicable, type ChangeSizeRule } from './rule';

export const OnDemandShareMoveWithinLimit: ChangeSizeRule = {
  id: 'OnDemandShareMoveWithinLimit',
  description: 'The on-demand percentage of a fleet moves at most changeLimits.onDemandPercentagePoints points in one deploy.',
  limits: ['onDemandPercentagePoints'],
  check(input) {
    const id = this.id;
    const { before, after, limits } = input;
    if (!before) return notApplicable(id, 'no deployed flags to compare with (a first deploy)');
    const moves: { path: string; before: number; after: number }[] = [];
    const field = 'onDemandPercentageAboveBaseCapacity';
    if (before.ingest.spot[field] !== after.ingest.spot[field]) {
      moves.push({ path: `$.ingest.spot.${field}`, before: before.ingest.spot[field], after: after.ingest.spot[field] });
    }
    if (before.catchUp.enabled && after.catchUp.enabled && before.catchUp.spot[field] !== after.catchUp.spot[field]) {
      moves.push({ path: `$.catchUp.spot.${field}`, before: before.catchUp.spot[field], after: after.catchUp.spot[field] });
    }
    if (moves.length === 0) return notApplicable(id, 'no on-demand percentage changes');
    const refused = moves.filter((m) => Math.abs(m.after - m.before) > limits.onDemandPercentagePoints);
    const shown = moves.map((m) => `${m.path.replace(/^\$\./, '')} ${m.before}% → ${m.after}%`).join(', ');
    if (refused.length === 0) return compliant(id, `within ±${limits.onDemandPercentagePoints} points: ${shown}`);
    return nonCompliant(
      id,
      `on-demand share moves beyond ±${limits.onDemandPercentagePoints} points`,
      refused.map((m) => changeSizeMessages.onDemandMoveTooLarge(input.flagsFile, m, limits.onDemandPercentagePoints, id)),
    );
  },
};
