/**
 * CapacityMoveWithinLimit: no fleet's desired, minimum or maximum size moves
 * further in one deploy than `changeLimits` allows: within capacityMovePercent of
 * its value before OR within capacityMoveAbsolute instances. Routine steps pass
 * (2 → 4, 10 → 20, 40 → 50); a fat-fingered 2 → 200 does not.
 *
 * Fleets: the main fleet (desiredCapacity, minSize, maxSize), the catch-up fleet
 * (size; 0 while disabled, so turning one on is a move from 0) and each quarantine
 * (instanceCount, matched by name; a new one moves from 0). A fleet being turned
 * off or removed is not a move: it reduces risk, and the plan shows its deletion.
 */
import { changeSizeMessages } from '../errors';
import { compliant, nonCompliant, notApplicable, type ChangeSizeInput, type ChangeSizeRule } from './rule';

export interface CapacityMove {
  readonly path: string;
  readonly before: number;
  readonly after: number;
}

/** Every capacity value that differs between base and head, with its JSON path in the head file. */
export function capacityMoves(input: ChangeSizeInput): CapacityMove[] {
  const { before, after } = input;
  if (!before) return [];
  const moves: CapacityMove[] = [];
  const push = (path: string, b: number, a: number) => {
    if (b !== a) moves.push({ path, before: b, after: a });
  };
  for (const field of ['desiredCapacity', 'minSize', 'maxSize'] as const) push(`$.ingest.${field}`, before.ingest[field], after.ingest[field]);
  if (after.catchUp.enabled) push('$.catchUp.size', before.catchUp.enabled ? before.catchUp.size : 0, after.catchUp.size);
  after.quarantines.forEach((q, i) => {
    const old = before.quarantines.find((o) => o.name === q.name);
    push(`$.quarantines[${i}].instanceCount`, old ? old.instanceCount : 0, q.instanceCount);
  });
  return moves;
}

/** Whether a move is within the limits: per cent of the value before, or absolute. */
export function moveAllowed(move: CapacityMove, limits: { readonly capacityMovePercent: number; readonly capacityMoveAbsolute: number }): boolean {
  const delta = Math.abs(move.after - move.before);
  if (delta <= limits.capacityMoveAbsolute) return true;
  return move.before > 0 && (delta / move.before) * 100 <= limits.capacityMovePercent;
}

export const CapacityMoveWithinLimit: ChangeSizeRule = {
  id: 'CapacityMoveWithinLimit',
  description: 'No fleet size (desired, min, max, catch-up size, quarantine count) moves more than the per-cent or absolute limit in one deploy.',
  limits: ['capacityMovePercent', 'capacityMoveAbsolute'],
  check(input) {
    const id = this.id;
    if (!input.before) return notApplicable(id, 'no deployed flags to compare with (a first deploy)');
    const moves = capacityMoves(input);
    if (moves.length === 0) return notApplicable(id, 'no fleet size changes');
    const refused = moves.filter((m) => !moveAllowed(m, input.limits));
    const shown = moves.map((m) => `${m.path.replace(/^\$\./, '')} ${m.before} → ${m.after}`).join(', ');
    if (refused.length === 0) return compliant(id, `within ±${input.limits.capacityMoveAbsolute} instances or ±${input.limits.capacityMovePercent}%: ${shown}`);
    return nonCompliant(
      id,
      `${refused.length} size move${refused.length === 1 ? '' : 's'} beyond ±${input.limits.capacityMoveAbsolute} instances and ±${input.limits.capacityMovePercent}%`,
      refused.map((m) => changeSizeMessages.capacityMoveTooLarge(input.flagsFile, m, input.limits, id)),
    );
  },
};
