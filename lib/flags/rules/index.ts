/**
 * The rule pack: every safety rule run on every flags file that passes the schema.
 * One file per rule; this table is the whole list.
 */
import { BucketNamesValid } from './bucket-names-valid';
import { CapacityConsistent } from './capacity-consistent';
import { CatchUpExpiresInFuture } from './catch-up-expires-in-future';
import { DeployOrderUnique } from './deploy-order-unique';
import { EnvironmentKindConsistent } from './environment-kind-consistent';
import { InstanceTypesMatchArch } from './instance-types-match-arch';
import { LogExpiryCoversBackfill } from './log-expiry-covers-backfill';
import { NamesUniqueAcrossEnvironments } from './names-unique-across-environments';
import { QuarantinesValid } from './quarantines-valid';
import type { FlagsRule } from './rule';
import { TableNameValid } from './table-name-valid';

export type { FlagsRule, RuleContext } from './rule';

export const ALL_RULES: readonly FlagsRule[] = [
  EnvironmentKindConsistent,
  BucketNamesValid,
  TableNameValid,
  NamesUniqueAcrossEnvironments,
  DeployOrderUnique,
  LogExpiryCoversBackfill,
  CapacityConsistent,
  InstanceTypesMatchArch,
  CatchUpExpiresInFuture,
  QuarantinesValid,
];
