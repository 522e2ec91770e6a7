import { flagsProblems, type FlagsProblem } from '../../errors';
import { sameJson } from '../base-flags';
import type { FlagsRule } from './rule';

/** The longest a catch-up fleet may be scheduled to live. */
export const MAX_CATCH_UP_DAYS = 30;

/**
 * An enabled catch-up fleet carries an expiry in the future (a scheduled action
 * scales it to zero then; AWS also rejects a schedule in the past).
 *
 * Past its expiry: an error for a change that touches the catch-up fleet (compared
 * with the change's base), a warning otherwise (the stack plans it at zero, as the
 * deploy does), and nothing at deploy time ("allow": the deploy guard warns).
 */
export const CatchUpExpiresInFuture: FlagsRule = {
  id: 'CatchUpExpiresInFuture',
  description: `An enabled catch-up fleet expires in the future, within ${MAX_CATCH_UP_DAYS} days.`,
  check: ({ file, flags }, { now, expiredCatchUp, base }) => {
    const problems: FlagsProblem[] = [];
    const { enabled, expiresAt } = flags.catchUp;
    if (!enabled) return problems;
    if (expiresAt === undefined) return [flagsProblems.catchUpWithoutExpiry(file)];
    const at = Date.parse(expiresAt);
    if (at <= now.getTime()) {
      if (expiredCatchUp === 'allow') return problems;
      // Time alone must not block every change: only a change to this catch-up fleet is refused.
      const before = base?.catchUpOf(file);
      if (base && before !== undefined && sameJson(before, flags.catchUp)) problems.push(flagsProblems.catchUpExpiredUntouched(file, expiresAt, now, base.ref));
      else problems.push(flagsProblems.catchUpExpired(file, expiresAt, now, base?.ref));
    }
    else if (at - now.getTime() > MAX_CATCH_UP_DAYS * 86_400_000) {
      problems.push(flagsProblems.catchUpExpiryTooFar(file, expiresAt, MAX_CATCH_UP_DAYS));
    }
    return problems;
  },
};
