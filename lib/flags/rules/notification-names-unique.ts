import { flagsProblems, type FlagsProblem } from '../../errors';
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
    const problems: FlagsProblem[] = [];
    const seen = new Map<string, number>();
    flags.notifications.subscriptions.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first === undefined) seen.set(s.name, i);
      else problems.push(flagsProblems.duplicateSubscription(file, `$.notifications.subscriptions[${i}].name`, s.name, `$.notifications.subscriptions[${first}].name`));
    });
    return problems;
  },
};
