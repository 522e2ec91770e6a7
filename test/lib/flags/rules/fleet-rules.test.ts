/**
 * Each fleet safety rule, with a paired compliant and non-compliant case sharing one
 * helper (`check`, which shows each problem as "<path>: <problem>").
 */
import { AutoscalingTargetInRange } from '../../../../lib/flags/rules/autoscaling-target-in-range';
import { CapacityConsistent } from '../../../../lib/flags/rules/capacity-consistent';
import { CatchUpExpiresInFuture } from '../../../../lib/flags/rules/catch-up-expires-in-future';
import { CertificateInEnvironment } from '../../../../lib/flags/rules/certificate-in-environment';
import { IngressCidrsValid } from '../../../../lib/flags/rules/ingress-cidrs-valid';
import { InstanceTypesMatchArch } from '../../../../lib/flags/rules/instance-types-match-arch';
import { OnDemandBaseWithinMax } from '../../../../lib/flags/rules/on-demand-base-within-max';
import { matchesEveryPath, pathPatternsOverlap, pathPatternViolation } from '../../../../lib/flags/rules/path-patterns';
import { NotificationNamesUnique } from '../../../../lib/flags/rules/notification-names-unique';
import { QuarantineNamesUnique } from '../../../../lib/flags/rules/quarantine-names-unique';
import { QuarantinePathPatternsValid } from '../../../../lib/flags/rules/quarantine-path-patterns-valid';
import { QuarantinePathsDisjoint } from '../../../../lib/flags/rules/quarantine-paths-disjoint';
import { QuarantinePathsNotCatchAll } from '../../../../lib/flags/rules/quarantine-paths-not-catch-all';
import { QuarantinePrioritiesUnique } from '../../../../lib/flags/rules/quarantine-priorities-unique';
import { QuarantineTargetGroupNamesFit } from '../../../../lib/flags/rules/quarantine-target-group-names-fit';
import type { FlagsRule } from '../../../../lib/flags/rules/rule';
import { SubnetsDistinct } from '../../../../lib/flags/rules/subnets-distinct';
import { TagsNotReserved } from '../../../../lib/flags/rules/tags-not-reserved';
import { FlagsSchema, type Flags, type FlagsInput } from '../../../../lib/flags/schema';
import { fleetFlags } from '../../../helpers/fleet-flags';
import { baseFlagsFrom } from '../../../../lib/flags/base-flags';
import { readFileSync } from 'node:fs';

const sandboxRaw = () => JSON.parse(readFileSync('flags/sandbox.json', 'utf8'));

const NOW = new Date('2026-11-21T12:00:00Z');
type Raw = FlagsInput & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const acme = { name: 'acme', pathPatterns: ['/1/events/acme-*'], instanceCount: 1 };
const globex = { name: 'globex', pathPatterns: ['/1/events/globex-*'], instanceCount: 1 };

describe('CapacityConsistent', () => {
  it('passes min <= desired <= max', () => expect(check(CapacityConsistent, flags())).toEqual([]));
  it('blocks min above max, once', () => {
    expect(check(CapacityConsistent, flags((f) => { f.ingest.minSize = 8; f.ingest.desiredCapacity = 7; }))).toEqual([
      '$.ingest.minSize: contradicts the other sizes of the fleet',
    ]);
  });
  it.each([1, 7])('blocks a desired capacity (%i) outside min-max', (desired) => {
    expect(check(CapacityConsistent, flags((f) => { f.ingest.desiredCapacity = desired; }))).toEqual([
      '$.ingest.desiredCapacity: contradicts the other sizes of the fleet',
    ]);
  });
});

describe('OnDemandBaseWithinMax', () => {
  it('passes a base within max', () => expect(check(OnDemandBaseWithinMax, flags((f) => { f.ingest.spot = { onDemandBaseCapacity: 6 }; }))).toEqual([]));
  it('blocks a base above the main fleet\'s max', () => {
    expect(check(OnDemandBaseWithinMax, flags((f) => { f.ingest.spot = { onDemandBaseCapacity: 7 }; }))).toEqual([
      '$.ingest.spot.onDemandBaseCapacity: on-demand base capacity is above the fleet\'s largest size ($.ingest.maxSize = 6)',
    ]);
  });
  it('blocks a base above the catch-up fleet\'s size, only when it is enabled', () => {
    const base = (enabled: boolean) => flags((f) => { f.catchUp = { enabled, expiresAt: '2026-11-22T00:00:00Z', size: 2, spot: { onDemandBaseCapacity: 3 } }; });
    expect(check(OnDemandBaseWithinMax, base(true))).toEqual([
      '$.catchUp.spot.onDemandBaseCapacity: on-demand base capacity is above the fleet\'s largest size ($.catchUp.size = 2)',
    ]);
    expect(check(OnDemandBaseWithinMax, base(false))).toEqual([]);
  });
});

describe('AutoscalingTargetInRange', () => {
  it('passes a CPU target of 100 and any request target', () => {
    expect(check(AutoscalingTargetInRange, flags((f) => { f.ingest.autoscaling = { enabled: true, metric: 'cpu', targetValue: 100 }; }))).toEqual([]);
    expect(check(AutoscalingTargetInRange, flags((f) => { f.ingest.autoscaling = { enabled: true, metric: 'requestsPerTarget', targetValue: 5000 }; }))).toEqual([]);
  });
  it('blocks a CPU target above 100', () => {
    expect(check(AutoscalingTargetInRange, flags((f) => { f.ingest.autoscaling = { enabled: true, metric: 'cpu', targetValue: 101 }; }))).toEqual([
      '$.ingest.autoscaling.targetValue: a CPU target is a percentage; above 100 the policy would never scale out',
    ]);
  });
});

describe('InstanceTypesMatchArch', () => {
  it('passes types of the fleet arch', () => {
    expect(check(InstanceTypesMatchArch, flags((f) => { f.ingest.instanceTypes = ['c7g.large', 'm6gd.large', 't4g.small']; }))).toEqual([]);
  });
  it('blocks an x86 type on arm64, naming where the arch comes from', () => {
    expect(check(InstanceTypesMatchArch, flags((f) => { f.ingest.instanceTypes = ['c7g.large', 'c7i.large']; }))).toEqual([
      '$.ingest.instanceTypes[1]: instance type is not arm64 (the architecture from $.arch)',
    ]);
  });
  it('checks the catch-up fleet (when enabled) and quarantines against their own arch', () => {
    const f = flags((raw) => {
      raw.catchUp = { enabled: true, expiresAt: '2026-11-22T00:00:00Z', arch: 'amd64', instanceTypes: ['c7g.large'] };
      raw.quarantines = [{ ...acme, arch: 'amd64', instanceType: 'c7i.large' }, { ...globex, instanceType: 'm7i.large' }];
    });
    expect(check(InstanceTypesMatchArch, f)).toEqual([
      '$.catchUp.instanceTypes[0]: instance type is not amd64 (the architecture from $.catchUp.arch)',
      '$.quarantines[1].instanceType: instance type is not arm64 (the architecture from $.arch)',
    ]);
  });
});

describe('CatchUpExpiresInFuture', () => {
  const catchUp = (c: Record<string, unknown>) => flags((f) => { f.catchUp = { enabled: true, ...c }; });
  it('passes an expiry in the future, and a disabled fleet without one', () => {
    expect(check(CatchUpExpiresInFuture, catchUp({ expiresAt: '2026-11-22T00:00:00+01:00' }))).toEqual([]);
    expect(check(CatchUpExpiresInFuture, flags((f) => { f.catchUp = { enabled: false }; }))).toEqual([]);
  });
  it.each([
    [{}, '$.catchUp.expiresAt: an enabled catch-up fleet must carry an expiry, so it cannot run (and cost) forever'],
    [{ expiresAt: '2026-11-21T12:00:00Z' }, "$.catchUp.expiresAt: the catch-up fleet's expiry has passed (now 2026-11-21T12:00:00.000Z)"],
    [{ expiresAt: '2026-12-22T12:00:00Z' }, '$.catchUp.expiresAt: a catch-up fleet is ephemeral; this expiry is more than 30 days away'],
  ])('blocks %j', (c, problem) => expect(check(CatchUpExpiresInFuture, catchUp(c))).toEqual([problem]));
  describe('past its expiry, measured against the base of the change', () => {
    const expired = { enabled: true, expiresAt: '2026-11-20T00:00:00Z', size: 3 };
    const run = (head: Record<string, unknown>, base: Map<string, unknown>) => {
      const f = catchUp(head);
      const entry = { file: 'flags/sandbox.json', environment: f.environment, flags: f };
      return CatchUpExpiresInFuture.check(entry, { all: [entry], now: NOW, expiredCatchUp: 'reject', base: baseFlagsFrom('origin/main', base) });
    };
    const baseWith = (c: Record<string, unknown>) => new Map([['flags/sandbox.json', { ...sandboxRaw(), catchUp: c }]]);

    it('a change that does not touch the catch-up fleet gets a warning, not an error', () => {
      // GIVEN the base has the same expired catch-up fleet (the clock passed its expiry)
      // WHEN / THEN one warning, which says it is planned at zero and how to turn it off
      const problems = run({ expiresAt: expired.expiresAt, size: 3 }, baseWith(expired));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ severity: 'warning', path: '$.catchUp.expiresAt' });
      expect(problems[0].problem).toMatch(/planned at size zero.*does not touch \$\.catchUp \(same as at origin\/main\)/);
    });

    it('a change that touches the expired catch-up fleet is an error', () => {
      // GIVEN the base had the fleet at another size
      // WHEN / THEN an error (no severity), naming the base it differs from
      const problems = run({ expiresAt: expired.expiresAt, size: 5 }, baseWith(expired));
      expect(problems).toHaveLength(1);
      expect(problems[0].severity).toBeUndefined();
      expect(problems[0].problem).toMatch(/expiry has passed .*this change touches \$\.catchUp \(it differs from origin\/main\)/);
    });

    it('a flags file the base does not have (a new environment) is an error', () => {
      const problems = run({ expiresAt: expired.expiresAt, size: 3 }, new Map());
      expect(problems.map((p) => p.severity)).toEqual([undefined]);
    });
  });

  it('lets a deploy through an expired fleet (its guard warns), but still wants an expiry', () => {
    // GIVEN deploy-time validation, where time passing must not block every deploy
    // WHEN / THEN an expired fleet is no problem here, a missing expiry still is
    expect(check(CatchUpExpiresInFuture, catchUp({ expiresAt: '2026-11-20T00:00:00Z' }), 'allow')).toEqual([]);
    expect(check(CatchUpExpiresInFuture, catchUp({}), 'allow')).toEqual([
      '$.catchUp.expiresAt: an enabled catch-up fleet must carry an expiry, so it cannot run (and cost) forever',
    ]);
  });
});

describe('QuarantineNamesUnique', () => {
  it('passes distinct names', () => expect(check(QuarantineNamesUnique, quarantines([acme, globex]))).toEqual([]));
  it('blocks a repeated name', () => {
    expect(check(QuarantineNamesUnique, quarantines([acme, { ...acme, pathPatterns: ['/2/*'] }]))).toEqual([
      '$.quarantines[1].name: duplicate quarantine name, also at $.quarantines[0].name',
    ]);
  });
});

describe('NotificationNamesUnique', () => {
  const email = { kind: 'email' as const, name: 'oncall', address: 'ingest-oncall@example.com' };
  const withSubscriptions = (subscriptions: unknown[]) => flags((f) => { f.notifications = { subscriptions: subscriptions as Flags['notifications']['subscriptions'] }; });
  it('passes distinct names', () => expect(check(NotificationNamesUnique, withSubscriptions([email, { kind: 'pagerduty', name: 'pagerduty' }]))).toEqual([]));
  it('blocks a repeated name', () => {
    expect(check(NotificationNamesUnique, withSubscriptions([email, { ...email, address: 'other@example.com' }]))).toEqual([
      '$.notifications.subscriptions[1].name: duplicate subscription name, also at $.notifications.subscriptions[0].name',
    ]);
  });
});

describe('QuarantinePrioritiesUnique', () => {
  it('passes derived priorities of distinct names', () => expect(check(QuarantinePrioritiesUnique, quarantines([acme, globex]))).toEqual([]));
  it('blocks two quarantines with one priority', () => {
    expect(check(QuarantinePrioritiesUnique, quarantines([{ ...acme, priority: 7 }, { ...globex, priority: 7 }]))).toEqual([
      '$.quarantines[1].priority: listener-rule priority is also the priority of the quarantine at $.quarantines[0]',
    ]);
  });
});

describe('QuarantineTargetGroupNamesFit', () => {
  it('passes a name whose target group fits in 32 characters', () => {
    expect(check(QuarantineTargetGroupNamesFit, quarantines([{ ...acme, name: 'a'.repeat(19) }]))).toEqual([]);
  });
  it('blocks a name whose target group would exceed 32 characters', () => {
    expect(check(QuarantineTargetGroupNamesFit, quarantines([{ ...acme, name: 'a'.repeat(20) }]))).toEqual([
      `$.quarantines[0].name: the derived target-group name "ff-sandbox-q-${'a'.repeat(20)}" is 33 characters`,
    ]);
  });
});

describe('QuarantinePathPatternsValid', () => {
  it('passes patterns AWS accepts', () => expect(check(QuarantinePathPatternsValid, quarantines([{ ...acme, pathPatterns: ['/a/b-*', "*/x?y/$~'@:+&\"."] }]))).toEqual([]));
  it('blocks a pattern AWS refuses', () => {
    expect(check(QuarantinePathPatternsValid, quarantines([{ ...acme, pathPatterns: ['/ok', 'no-slash', `/${'a'.repeat(128)}`, '/a b'] }]))).toEqual([
      '$.quarantines[0].pathPatterns[1]: not a valid load-balancer path pattern: must start with "/" or a wildcard',
      '$.quarantines[0].pathPatterns[2]: not a valid load-balancer path pattern: 129 characters, not 1-128',
      '$.quarantines[0].pathPatterns[3]: not a valid load-balancer path pattern: the character " " is not allowed',
    ]);
  });
  it('blocks a pattern listed twice in one quarantine (the same pattern in two is QuarantinePathsDisjoint\'s)', () => {
    expect(check(QuarantinePathPatternsValid, quarantines([{ ...acme, pathPatterns: ['/1/events/acme-*', '/1/batch/acme-*', '/1/events/acme-*'] }, globex]))).toEqual([
      '$.quarantines[0].pathPatterns[2]: the same path pattern is also at $.quarantines[0].pathPatterns[0]: a repeat adds nothing, takes one of the load balancer rule\'s few path values, and is often a typo for another path',
    ]);
  });
  it.each([
    ['', '0 characters, not 1-128'],
    ['/a#b', 'the character "#" is not allowed'],
    ['/' + 'a'.repeat(127), undefined],
  ])('knows %j', (pattern, violation) => expect(pathPatternViolation(pattern)).toBe(violation));
});

describe('QuarantinePathsDisjoint', () => {
  it('passes patterns no path matches twice', () => expect(check(QuarantinePathsDisjoint, quarantines([acme, globex]))).toEqual([]));
  it('blocks patterns one request matches in two quarantines', () => {
    expect(check(QuarantinePathsDisjoint, quarantines([acme, { ...globex, pathPatterns: ['/1/events/*'] }]))).toEqual([
      '$.quarantines[1].pathPatterns[0]: path pattern overlaps "/1/events/acme-*" at $.quarantines[0].pathPatterns[0]: one request could match both quarantines',
    ]);
  });
  it.each([
    ['/a/*', '/a/b', true],
    ['/a/?', '/a/bc', false],
    ['/a/*-x', '/a/y-*', true],
    ['/acme-*', '/globex-*', false],
    ['*', '/anything', true],
    ['/a?c', '/ab?', true],
  ])('overlap(%j, %j) is %s', (a, b, overlap) => {
    expect(pathPatternsOverlap(a, b)).toBe(overlap);
    expect(pathPatternsOverlap(b, a)).toBe(overlap);
  });
});

describe('QuarantinePathsNotCatchAll', () => {
  it('passes patterns naming a customer\'s paths', () => expect(check(QuarantinePathsNotCatchAll, quarantines([acme, { ...globex, pathPatterns: ['/1/*/globex-?', '*/globex/*'] }]))).toEqual([]));
  it('blocks a pattern that would take every request from the main fleet, naming the quarantine', () => {
    expect(check(QuarantinePathsNotCatchAll, quarantines([acme, { ...globex, pathPatterns: ['/1/events/globex-*', '/*'] }]))).toEqual([
      '$.quarantines[1].pathPatterns[1]: path pattern matches every request: all traffic would go to the quarantine fleet of "globex"',
    ]);
  });
  it.each([
    ['/*', true],
    ['*', true],
    ['**', true],
    ['?*', true],
    ['*?', true],
    ['*/*', true],
    ['/**', true],
    ['/?*', true],
    ['*/*?', true],
    ['??*', true],
    ['?', false],
    ['???*', false],
    ['/??*', false],
    ['/', false],
    ['*/', false],
    ['/?', false],
    ['/a*', false],
    ['?/*', false],
    ['/*/*', false],
  ])('knows whether %j matches every path: %s', (pattern, all) => {
    expect(matchesEveryPath(pattern)).toBe(all);
    // AND it agrees with the overlap walk on sample paths: a catch-all overlaps each of them
    if (all) for (const p of ['/a', '/ab/c', '/1/events/x-y']) expect(pathPatternsOverlap(pattern, p)).toBe(true);
    else expect(['/a', '/ab', '/a/b', '/1/events/x-y'].every((p) => pathPatternsOverlap(pattern, p))).toBe(false);
  });
  it('agrees with brute force on every pattern of up to 5 characters from "/", "a", "*" and "?"', () => {
    // GIVEN every pattern over a small alphabet, and every path of 2-7 characters over "/", "a", "b"
    const grow = (alphabet: string[], max: number) => {
      const out: string[] = [];
      let level = [''];
      for (let n = 1; n <= max; n++) { level = level.flatMap((s) => alphabet.map((c) => s + c)); out.push(...level); }
      return out;
    };
    const paths = grow(['/', 'a', 'b'], 6).map((s) => `/${s}`);
    // WHEN each pattern is asked, and checked against the paths one by one
    const wrong = grow(['/', 'a', '*', '?'], 5).filter((pattern) => matchesEveryPath(pattern) !== paths.every((p) => pathPatternsOverlap(pattern, p)));
    // THEN they agree
    expect(wrong).toEqual([]);
  });
});

describe('SubnetsDistinct', () => {
  const subnets = (list: string[]) => flags((f) => { f.network.subnetIds = list; });
  it('passes distinct subnets', () => expect(check(SubnetsDistinct, subnets(['subnet-0a0a0a0a0a0a0a0a1', 'subnet-0a0a0a0a0a0a0a0a2']))).toEqual([]));
  it('blocks a subnet listed twice (two entries, one Availability Zone)', () => {
    expect(check(SubnetsDistinct, subnets(['subnet-0a0a0a0a0a0a0a0a1', 'subnet-0a0a0a0a0a0a0a0a1', 'subnet-0a0a0a0a0a0a0a0a2', 'subnet-0a0a0a0a0a0a0a0a1']))).toEqual([
      '$.network.subnetIds[1]: the same subnet is also at $.network.subnetIds[0]',
      '$.network.subnetIds[3]: the same subnet is also at $.network.subnetIds[0]',
    ]);
  });
});

describe('TagsNotReserved', () => {
  const tags = (t: Record<string, string>) => flags((f) => { f.tags = t; });
  it('passes keys and values that merely contain "aws"', () => expect(check(TagsNotReserved, tags({ team: 'ingest', 'my-aws:x': 'y', awsome: 'z', owner: 'team-aws:ingest', cloud: 'aws' }))).toEqual([]));
  it('blocks keys with AWS\'s reserved prefix, in any case', () => {
    expect(check(TagsNotReserved, tags({ team: 'ingest', 'aws:createdBy': 'me', 'AWS:x': 'y' }))).toEqual([
      '$.tags["aws:createdBy"]: tag keys starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
      '$.tags["AWS:x"]: tag keys starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
    ]);
  });
  it('blocks values with AWS\'s reserved prefix, in any case, and a tag with both as two problems', () => {
    expect(check(TagsNotReserved, tags({ team: 'Aws:ingest', 'aws:x': 'aws:y' }))).toEqual([
      '$.tags.team: tag values starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
      '$.tags["aws:x"]: tag keys starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
      '$.tags["aws:x"]: tag values starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
    ]);
  });
});

describe('IngressCidrsValid', () => {
  const cidrs = (list: string[]) => flags((f) => { f.network.ingressCidrs = list; });
  it('passes networks, single addresses and the whole internet', () => {
    expect(check(IngressCidrsValid, cidrs(['0.0.0.0/0', '10.0.0.0/8', '203.0.113.0/24', '198.51.100.7/32', '192.0.2.128/25']))).toEqual([]);
  });
  it.each([
    ['300.0.0.0/8', 'an octet is above 255'],
    ['10.0.0.0/33', 'the prefix length 33 is above 32'],
    ['203.0.113.5/24', 'address bits are set after the /24 prefix'],
    ['10.1.0.0/8', 'address bits are set after the /8 prefix'],
  ])('blocks %s, which Terraform would refuse after the pull request', (cidr, reason) => {
    expect(check(IngressCidrsValid, cidrs(['0.0.0.0/0', cidr]))).toEqual([`$.network.ingressCidrs[1]: not an IPv4 network in CIDR notation: ${reason}`]);
  });
  it('blocks a range listed twice (two rules of one construct ID)', () => {
    expect(check(IngressCidrsValid, cidrs(['10.0.0.0/8', '10.0.0.0/8']))).toEqual([
      '$.network.ingressCidrs[1]: the same range is also at $.network.ingressCidrs[0]',
    ]);
  });
});

describe('CertificateInEnvironment', () => {
  const cert = (arn?: string) => flags((f) => { f.network.certificateArn = arn; });
  const arn = (region: string, account: string, partition = 'aws') => `arn:${partition}:acm:${region}:${account}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
  it('passes no certificate, and one of the environment\'s region and account', () => {
    expect(check(CertificateInEnvironment, cert())).toEqual([]);
    expect(check(CertificateInEnvironment, cert(arn('us-east-1', '000000000000')))).toEqual([]);
  });
  it('blocks a certificate of another region or account', () => {
    const problem = 'a load balancer can only use ACM certificates of its own region and account';
    expect(check(CertificateInEnvironment, cert(arn('eu-west-1', '000000000000')))).toEqual([
      `$.network.certificateArn: the certificate is in region eu-west-1, not us-east-1; ${problem}`,
    ]);
    expect(check(CertificateInEnvironment, cert(arn('us-east-1', '111122223333')))).toEqual([
      `$.network.certificateArn: the certificate is in account 111122223333, not 000000000000; ${problem}`,
    ]);
    expect(check(CertificateInEnvironment, cert(arn('us-east-1', '000000000000', 'aws-us-gov')))).toEqual([
      `$.network.certificateArn: the certificate is in partition aws-us-gov, not aws; ${problem}`,
    ]);
  });
});

/** The sandbox flags (all fleet flags off), changed by `edit`. */
function flags(edit: (f: Raw) => void = () => {}): Flags {
  return fleetFlags({ arch: true }, edit);
}

function quarantines(list: unknown[]): Flags {
  return flags((f) => { f.quarantines = list as Raw['quarantines']; });
}

/** The rule's problems on `f`, each as "<path>: <problem>". */
function check(rule: FlagsRule, f: Flags, expiredCatchUp: 'reject' | 'allow' = 'reject'): string[] {
  const entry = { file: 'flags/sandbox.json', environment: f.environment, flags: FlagsSchema.parse(f) };
  return rule.check(entry, { all: [entry], now: NOW, expiredCatchUp }).map((p) => `${p.path}: ${p.problem}`);
}
