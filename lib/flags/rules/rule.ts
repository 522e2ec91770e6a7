import type { FlagsProblem } from '../../errors';
import type { LoadedFlags } from '../load';

/** What every rule sees besides the file it checks. */
export interface RuleContext {
  /** Every file that passed the schema, for rules across environments. */
  readonly all: readonly LoadedFlags[];
  /** The time to compare expiries with. */
  readonly now: Date;
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
