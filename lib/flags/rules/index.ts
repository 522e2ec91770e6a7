/**
 * The rule pack: every safety rule run on every flags file that passes the schema.
 * One file per rule; this table is the whole list.
 */
import { AutoscalingTargetInRange } from './autoscaling-target-in-range';
import { BucketNamesValid } from './bucket-names-valid';
import { BuildsPinned } from './builds-pinned';
import { CapacityConsistent } from './capacity-consistent';
import { CatchUpExpiresInFuture } from './catch-up-expires-in-future';
import { CertificateInEnvironment } from './certificate-in-environment';
import { DeployedEnvironmentHasAccess } from './deployed-environment-has-access';
import { DeployOrderUnique } from './deploy-order-unique';
import { EmulatorEndpointOnLoopback } from './emulator-endpoint-on-loopback';
import { EnvironmentKindConsistent } from './environment-kind-consistent';
import { IngressCidrsValid } from './ingress-cidrs-valid';
import { InstanceTypesMatchArch } from './instance-types-match-arch';
import { LoadBalancerServesTls } from './load-balancer-serves-tls';
import { LogExpiryCoversBackfill } from './log-expiry-covers-backfill';
import { NamesUniqueAcrossEnvironments } from './names-unique-across-environments';
import { OnDemandBaseWithinMax } from './on-demand-base-within-max';
import { NotificationNamesUnique } from './notification-names-unique';
import { QuarantineNamesUnique } from './quarantine-names-unique';
import { QuarantinePathPatternsValid } from './quarantine-path-patterns-valid';
import { QuarantinePathsDisjoint } from './quarantine-paths-disjoint';
import { QuarantinePathsNotCatchAll } from './quarantine-paths-not-catch-all';
import { QuarantinePrioritiesUnique } from './quarantine-priorities-unique';
import { QuarantineTargetGroupNamesFit } from './quarantine-target-group-names-fit';
import type { FlagsRule } from './rule';
import { SlosConsistent } from './slos-consistent';
import { SubnetsDistinct } from './subnets-distinct';
import { TableNameValid } from './table-name-valid';
import { TagsNotReserved } from './tags-not-reserved';

export type { FlagsRule, RuleContext } from './rule';

export const ALL_RULES: readonly FlagsRule[] = [
  // Environment and data
  EnvironmentKindConsistent,
  EmulatorEndpointOnLoopback,
  BucketNamesValid,
  TableNameValid,
  NamesUniqueAcrossEnvironments,
  DeployOrderUnique,
  DeployedEnvironmentHasAccess,
  LogExpiryCoversBackfill,
  SlosConsistent,
  TagsNotReserved,
  // Network of the load balancer
  SubnetsDistinct,
  IngressCidrsValid,
  CertificateInEnvironment,
  LoadBalancerServesTls,
  // Fleet flags: sizes and spot ratio, autoscaling, arch, catch-up, quarantines
  CapacityConsistent,
  OnDemandBaseWithinMax,
  AutoscalingTargetInRange,
  InstanceTypesMatchArch,
  CatchUpExpiresInFuture,
  BuildsPinned,
  QuarantineNamesUnique,
  QuarantinePrioritiesUnique,
  QuarantineTargetGroupNamesFit,
  QuarantinePathPatternsValid,
  QuarantinePathsDisjoint,
  QuarantinePathsNotCatchAll,
  // Alarms: who they notify
  NotificationNamesUnique,
];
