/**
 * A catch-up fleet still enabled after its expiry costs money and does nothing
 * useful (its scheduled action has already scaled it to zero). Warn, do not
 * block: the deploy is still safe, and the fix is a one-line flag change.
 */
import { deployMessages } from '../../errors';
import { pass, warn, type Guard, type GuardResult } from './guard';

export function catchUpNotExpired(): Guard {
  const id = 'CatchUpNotExpired';
  return {
    id,
    description: 'An enabled catch-up fleet has not passed its expiry.',
    run: async ({ flagsFile, flags, now }): Promise<GuardResult> => {
      const { enabled, expiresAt } = flags.catchUp;
      if (!enabled) return pass(id, 'no catch-up fleet is enabled');
      if (expiresAt === undefined || Date.parse(expiresAt) > now.getTime()) {
        return pass(id, `the catch-up fleet expires at ${expiresAt ?? '(no expiry)'}`);
      }
      return warn(id, deployMessages.catchUpExpired(flagsFile, expiresAt, now), { expiresAt });
    },
  };
}
