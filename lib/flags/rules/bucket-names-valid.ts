import { flagsProblems, type FlagsProblem } from '../../errors';
import { resourceNames } from '../../naming';
import type { FlagsRule } from './rule';

/** Why `name` breaks S3's general-purpose bucket naming rules, or undefined. */
export function bucketNameViolation(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `${name.length} characters, not 3-63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'only lowercase letters, digits, "." and "-" are allowed';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('..')) return 'two adjacent periods';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'reserved prefix';
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return 'reserved suffix';
  if (name.includes('.')) return 'periods break virtual-hosted HTTPS access; use "-"';
  return undefined;
}

/** Both bucket names, derived or overridden, follow S3's naming rules. */
export const BucketNamesValid: FlagsRule = {
  id: 'BucketNamesValid',
  description: 'Bucket names follow S3 naming rules, so the plan does not fail at apply time.',
  check: ({ file, flags }) => {
    const names = resourceNames(flags);
    const problems: FlagsProblem[] = [];
    // Names derived from the prefix, by violation: one problem on $.naming.prefix per violation, naming the buckets.
    const derived = new Map<string, string[]>();
    const check = (name: string, overridePath: string, overridden: boolean) => {
      const violation = bucketNameViolation(name);
      if (!violation) return;
      if (overridden) problems.push(flagsProblems.invalidBucketName(file, overridePath, name, violation));
      else derived.set(violation, [...(derived.get(violation) ?? []), name]);
    };
    check(names.accessLogsBucket, '$.accessLogs.bucketName', flags.accessLogs.bucketName !== undefined);
    check(names.artifactsBucket, '$.artifacts.bucketName', flags.artifacts.bucketName !== undefined);
    for (const [violation, bucketNames] of derived) problems.push(flagsProblems.invalidDerivedBucketName(file, flags.naming.prefix, bucketNames, violation));
    return problems;
  },
};
