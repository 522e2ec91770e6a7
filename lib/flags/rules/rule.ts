import type { FlagsProblem } from '../../errors';
import type { BaseFlags } from '../base-flags';
import type { LoadedFlags } from '../load';

/** What every rule sees besides the file it checks. */
export interface RuleContext {
  /** Every file that passed the schema, for rules across environments. */
  readonly all: readonly LoadedFlags[];
  /** The time to compare expiries with. */
  readonly now: Date;
  /**
   * What an enabled catch-up fleet whose expiry has passed is:
   * - "reject" (check-flags, PRs): a problem, so nobody adds or keeps one by mistake;
   * - "allow" (deploys from main, synthesizing an older base): already scaled to zero
   *   by its scheduled action, so the deploy's CatchUpNotExpired guard warns instead
   *   of the passage of time blocking every deploy.
   */
  readonly expiredCatchUp: 'reject' | 'allow';
  /**
   * The flags the change being checked starts from (a PR's base, or HEAD locally).
   * With it, "reject" rejects an expired catch-up fleet only where the change touches
   * that fleet; elsewhere the clock alone made it expire, and it is a warning.
   * @default none: every expired catch-up fleet is rejected
   */
  readonly base?: BaseFlags;
}

/**
 * A safety rule: a pure function of one validated flags file (and the others),
 * named for what it asserts. It returns the problems it finds; none means the file
 * complies or the rule does not apply.
 */
export interface FlagsRule {
  readonly id: string;
  readonly description: string;
  check(entry: LoadedFlags, context: RuleContext): FlagsProblem[];
}
