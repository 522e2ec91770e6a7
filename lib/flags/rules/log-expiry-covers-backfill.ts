import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/** Access logs must outlive the look-back of every fleet that reads them. */
export const LogExpiryCoversBackfill: FlagsRule = {
  id: 'LogExpiryCoversBackfill',
  description: 'The access-log expiry is longer than every backfill window.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const windows: Array<[number, string]> = [[flags.lockTable.backfillMinutes, '$.lockTable.backfillMinutes']];
    if (flags.catchUp.enabled) windows.push([flags.catchUp.backfillMinutes, '$.catchUp.backfillMinutes']);
    for (const [minutes, path] of windows) {
      if (flags.accessLogs.expirationDays * 1440 < minutes) {
        problems.push(flagsProblems.logExpiryShorterThanBackfill(file, flags.accessLogs.expirationDays, minutes, path));
      }
    }
    return problems;
  },
};
