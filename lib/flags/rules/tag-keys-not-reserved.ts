import { flagsProblems, jsonPath, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * No extra tag key starts with "aws:", which AWS reserves (in any case). The tags go on
 * every resource through the provider's default_tags, so one such key fails every create
 * and update at apply time; Terraform's plan does not notice.
 */
export const TagKeysNotReserved: FlagsRule = {
  id: 'TagKeysNotReserved',
  description: 'No tags key starts with "aws:" (reserved by AWS, in any case).',
  check: ({ file, flags }) =>
    Object.keys(flags.tags)
      .filter((key) => key.toLowerCase().startsWith('aws:'))
      .map((key): FlagsProblem => flagsProblems.reservedTagKey(file, jsonPath(['tags', key]), key)),
};
