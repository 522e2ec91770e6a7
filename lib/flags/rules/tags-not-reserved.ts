import { flagsProblems, jsonPath, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

const reserved = (text: string) => text.toLowerCase().startsWith('aws:');

/**
 * No extra tag's key or value starts with "aws:", which AWS reserves (in any case) for both. The
 * tags go on every resource through the provider's default_tags, so one such tag fails every
 * create and update at apply time; Terraform's plan does not notice.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions
 */
export const TagsNotReserved: FlagsRule = {
  id: 'TagsNotReserved',
  description: 'No tags key or value starts with "aws:" (reserved by AWS, in any case).',
  check: ({ file, flags }) =>
    Object.entries(flags.tags).flatMap(([key, value]): FlagsProblem[] => [
      ...(reserved(key) ? [flagsProblems.reservedTagKey(file, jsonPath(['tags', key]), key)] : []),
      ...(reserved(value) ? [flagsProblems.reservedTagValue(file, jsonPath(['tags', key]), value)] : []),
    ]),
};
