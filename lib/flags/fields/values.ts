/** The values several flags share: architectures, build IDs, instance types, look-backs, tag values, bucket names, digests. */
import * as z from 'zod';
import {
  DEFAULT_BACKFILL_MINUTES,
  LOCK_TABLE_TTL_DAYS,
  MAX_BACKFILL_MINUTES,
} from '../../contract/lock-table';

export const ARCHITECTURES = ['arm64', 'amd64'] as const;
export type Arch = (typeof ARCHITECTURES)[number];

export const arch = z.enum(ARCHITECTURES, { error: '"arm64" (Graviton) or "amd64" (x86-64)' });

export const buildId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: 'a build ID of 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit',
  });

export const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: 'an EC2 instance type such as "c7g.xlarge"' });

export const backfillMinutes = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_BACKFILL_MINUTES)
    .default(DEFAULT_BACKFILL_MINUTES)
    .describe(
      `How far back ${what} look for S3 log objects, in minutes. Range 1-${MAX_BACKFILL_MINUTES} ` +
        `(${LOCK_TABLE_TTL_DAYS} days, the lock table's TTL: a longer look-back could re-process ` +
        `objects whose claims have expired). Default ${DEFAULT_BACKFILL_MINUTES} (1 hour).`,
    );

/** The characters AWS allows in a tag value: letters, digits and spaces of any script, and _ . : / = + - @. */
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+@-]*$/u;
const TAG_VALUE_CHARACTER = /^[\p{L}\p{Z}\p{N}_.:/=+@-]$/u;

/** What is allowed, and the first character that is not (invisible ones too: by code point). */
export function tagValueMessage(value: string): string {
  const bad = [...value].find((c) => !TAG_VALUE_CHARACTER.test(c)) ?? '';
  const code = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `letters, digits and spaces (any script) and _ . : / = + - @ only; ${JSON.stringify(bad)} (${code}) is not one`;
}

export const bucketNameOverride = (what: string) =>
  z
    .string()
    .optional()
    .describe(
      `Name of the ${what} bucket, overriding "<naming.prefix>-${what}". Must follow S3's bucket ` +
        'naming rules (3-63 characters: lowercase letters, digits, "-" and "."; globally unique). ' +
        'Default: derived from naming.prefix. Changing it replaces the bucket, which is refused.',
    );

export const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 digest: 64 lowercase hex digits' });
