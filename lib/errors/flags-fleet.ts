import type { FlagsProblem } from './base';

/** Flags problems of the fleet rules (lib/flags/rules/fleet-rules.ts): capacities, catch-up and quarantine fleets. */
export const fleetProblems = {
  capacityContradiction: (file: string, path: string, value: number, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'contradicts the other sizes of the fleet',
    allowed,
  }),

  onDemandBaseAboveMax: (file: string, path: string, value: number, maxSize: number, maxPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `on-demand base capacity is above the fleet's largest size (${maxPath} = ${maxSize})`,
    allowed: `0 to ${maxSize}`,
    fix: `lower the base, or raise ${maxPath}`,
  }),

  cpuTargetAbove100: (file: string, path: string, value: number): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'a CPU target is a percentage; above 100 the policy would never scale out',
    allowed: '1-100 with "metric": "cpu"',
    fix: 'lower the target, or use "metric": "requestsPerTarget" for a request count',
  }),

  instanceTypeArchMismatch: (file: string, path: string, value: string, arch: string, archPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `instance type is not ${arch} (the architecture from ${archPath})`,
    allowed:
      arch === 'arm64'
        ? 'a Graviton type, whose family ends in "g" after the generation, e.g. c7g.xlarge, m6gd.large'
        : 'an x86-64 type, e.g. c7i.xlarge, m6a.large (not a Graviton "g" family)',
    fix: `pick a type of ${arch}, or change the architecture`,
  }),

  badIngressCidr: (file: string, path: string, value: string, reason: string, network?: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `not an IPv4 network in CIDR notation: ${reason}`,
    allowed: 'a network address and a prefix length, e.g. "203.0.113.0/24" or "198.51.100.7/32": octets 0-255, prefix 0-32, no address bits set after the prefix',
    ...(network ? { fix: `use ${JSON.stringify(network)} for the network, or ${JSON.stringify(`${value.split('/')[0]}/32`)} for the one address` } : {}),
  }),

  duplicateIngressCidr: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the same range is also at ${otherPath}`,
    allowed: 'each range once',
    fix: 'remove the repeated entry',
  }),

  certificateOutsideEnvironment: (file: string, path: string, value: string, mismatch: string, region: string, accountId: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the certificate is ${mismatch}; a load balancer can only use ACM certificates of its own region and account`,
    allowed: `a certificate ARN of region ${region} and account ${accountId} (the environment's aws.region and aws.accountId)`,
    fix: `request or import the certificate in ${region} of account ${accountId}`,
  }),

  catchUpWithoutExpiry: (file: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value: undefined,
    problem: 'an enabled catch-up fleet must carry an expiry, so it cannot run (and cost) forever',
    allowed: 'an ISO 8601 time in the future, e.g. "2026-12-01T18:00:00Z"',
  }),

  catchUpExpired: (file: string, value: string, now: Date, baseRef?: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem: `the catch-up fleet's expiry has passed (now ${now.toISOString()})${baseRef ? `, and this change touches $.catchUp (it differs from ${baseRef})` : ''}`,
    allowed: 'a time in the future',
    fix: 'set "catchUp": { "enabled": false } to remove the fleet, or move the expiry forward',
  }),

  /** An expired catch-up fleet that the change being checked does not touch: a warning, not an error. */
  catchUpExpiredUntouched: (file: string, value: string, now: Date, baseRef: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem:
      `the catch-up fleet's expiry has passed (now ${now.toISOString()}); it is planned at size zero, as deployed. ` +
      `A warning, not an error: this change does not touch $.catchUp (same as at ${baseRef})`,
    allowed: 'a time in the future',
    fix: 'set "catchUp": { "enabled": false } (the scheduled expire-catch-ups job opens that PR), or move the expiry forward',
    severity: 'warning',
  }),

  catchUpExpiryTooFar: (file: string, value: string, maxDays: number): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem: `a catch-up fleet is ephemeral; this expiry is more than ${maxDays} days away`,
    allowed: `a time within ${maxDays} days`,
  }),

  duplicateQuarantine: (file: string, path: string, value: string | number, field: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `duplicate quarantine ${field}, also at ${otherPath}`,
    allowed: `a ${field} unique among the quarantines`,
  }),

  duplicateSubscription: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `duplicate subscription name, also at ${otherPath}`,
    allowed: 'a name unique among notifications.subscriptions (it keys the subscription and its variable notify_<name>)',
  }),

  duplicateQuarantinePriority: (file: string, path: string, value: number, otherPath: string, derived: boolean): FlagsProblem => ({
    file,
    path,
    value,
    problem: `listener-rule priority ${derived ? '(derived from the name) ' : ''}is also the priority of the quarantine at ${otherPath}`,
    allowed: 'a priority, 1-50000, unique among the quarantines',
    fix: derived ? 'set "priority" on this quarantine to an unused number' : 'pick an unused priority',
  }),

  catchAllPath: (file: string, path: string, value: string, name: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `path pattern matches every request: all traffic would go to the quarantine fleet of ${JSON.stringify(name)}`,
    allowed: `a pattern naming the customer's own paths, such as ${JSON.stringify(`/1/events/${name}-*`)}`,
    fix: 'name the customer\'s paths; to move all traffic to another build, change ingest.buildId',
  }),

  repeatedPath: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the same path pattern is also at ${otherPath}: a repeat adds nothing, takes one of the load balancer rule's few path values, and is often a typo for another path`,
    allowed: 'each path pattern once in a quarantine',
    fix: 'remove the repeated entry, or correct it to the path you meant',
  }),

  duplicateSubnet: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the same subnet is also at ${otherPath}`,
    allowed: 'each subnet once, at least two distinct subnets (the load balancer needs two Availability Zones)',
    fix: 'remove the repeated entry, or name another subnet',
  }),

  reservedTagKey: (file: string, path: string, value: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'tag keys starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
    allowed: 'a tag key not starting with "aws:" (in any case)',
    fix: 'rename the tag, such as "team" or "cost-center"',
  }),

  reservedTagValue: (file: string, path: string, value: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'tag values starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
    allowed: 'a tag value not starting with "aws:" (in any case)',
    fix: 'drop the "aws:" prefix from the value',
  }),

  overlappingPaths: (file: string, path: string, value: string, otherPath: string, otherValue: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `path pattern overlaps ${JSON.stringify(otherValue)} at ${otherPath}: one request could match both quarantines`,
    allowed: 'path patterns that no request matches in two quarantines',
  }),

  badPathPattern: (file: string, path: string, value: string, reason: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `not a valid load-balancer path pattern: ${reason}`,
    allowed: '1-128 characters of A-Z a-z 0-9 _ - . $ / ~ " \' @ : + & and the wildcards * and ?, starting with "/" or a wildcard',
  }),

  targetGroupNameTooLong: (file: string, path: string, value: string, derived: string, max: number): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the derived target-group name ${JSON.stringify(derived)} is ${derived.length} characters`,
    allowed: `a quarantine name short enough that "ff-<environment>-q-<name>" has at most ${max} characters (AWS's limit)`,
    fix: `shorten the quarantine name to at most ${Math.max(1, value.length - (derived.length - max))} characters`,
  }),
} as const;
