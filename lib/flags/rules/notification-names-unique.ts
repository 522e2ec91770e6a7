import { flagsProblems, type FlagsProblem } from '../../errors';
import { repeats } from './repeats';
import type { FlagsRule } from './rule';

/**
 * Notification subscriptions have unique names: a name keys the subscription's
 * resources and, for PagerDuty and Slack, its Terraform variable notify_<name>, so
 * two entries with one name would collide.
 */
export const NotificationNamesUnique: FlagsRule = {
  id: 'NotificationNamesUnique',
  description: 'Each notification subscription has its own name.',
  check: ({ file, flags }) => {
    const names = flags.notifications.subscriptions.map((s) => s.name);
    return repeats(names).map(({ index, first }): FlagsProblem =>
      flagsProblems.duplicateSubscription(file, `$.notifications.subscriptions[${index}].name`, names[index], `$.notifications.subscriptions[${first}].name`),
    );
  },
};
