import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/** The longest a catch-up fleet may be scheduled to live. */
export const MAX_CATCH_UP_DAYS = 30;

/**
 * An enabled catch-up fleet carries an expiry in the future (a scheduled action
 * scales it to zero then; AWS also rejects a schedule in the past).
 */
export const CatchUpExpiresInFuture: FlagsRule = {
  id: 'CatchUpExpiresInFuture',
  description: `An enabled catch-up fleet expires in the future, within ${MAX_CATCH_UP_DAYS} days.`,
  check: ({ file, flags }, { now, expiredCatchUp }) => {
    const problems: FlagsProblem[] = [];
    const { enabled, expiresAt } = flags.catchUp;
    if (!enabled) return problems;
    if (expiresAt === undefined) return [flagsProblems.catchUpWithoutExpiry(file)];
    const at = Date.parse(expiresAt);
    if (at <= now.getTime()) {
      if (expiredCatchUp === 'reject') problems.push(flagsProblems.catchUpExpired(file, expiresAt, now));
    }
    else if (at - now.getTime() > MAX_CATCH_UP_DAYS * 86_400_000) {
      problems.push(flagsProblems.catchUpExpiryTooFar(file, expiresAt, MAX_CATCH_UP_DAYS));
    }
    return problems;
  },
};
