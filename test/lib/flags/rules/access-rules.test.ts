/**
 * The safety rules of issue 11 (who can deploy what), each with a paired compliant
 * and non-compliant case sharing one helper (`check`).
 */
import type { Flags } from '../../../../lib/flags/schema';
import { BuildsPinned, buildsInUse } from '../../../../lib/flags/rules/builds-pinned';
import { DeployedEnvironmentHasAccess } from '../../../../lib/flags/rules/deployed-environment-has-access';
import { LoadBalancerServesTls } from '../../../../lib/flags/rules/load-balancer-serves-tls';
import type { FlagsRule } from '../../../../lib/flags/rules/rule';
import { FlagsSchema } from '../../../../lib/flags/schema';
import { loaded, sandboxFlags, shippedFlags } from '../../../helpers/flags-fixtures';

describe('DeployedEnvironmentHasAccess', () => {
  it('passes the shipped AWS environments, which name their repository', () => {
    expect(check(DeployedEnvironmentHasAccess, shippedFlags('dogfood'))).toEqual([]);
    expect(check(DeployedEnvironmentHasAccess, shippedFlags('production'))).toEqual([]);
  });
  it('does not apply to the sandbox, which CI never deploys', () => expect(check(DeployedEnvironmentHasAccess, sandboxFlags())).toEqual([]));
  it('blocks a deployed environment without access', () => {
    expect(check(DeployedEnvironmentHasAccess, edit('dogfood', (f) => delete f.access))).toEqual([
      '$.access: CI deploys dogfood (deploy is set) but no access is defined, so nothing says who may assume its deploy role',
    ]);
  });
  it('blocks production without required approval', () => {
    expect(check(DeployedEnvironmentHasAccess, edit('production', (f) => (f.access.requireApproval = false)))).toEqual([
      '$.access.requireApproval: production deploys must be approved by a reviewer who has seen the plan',
    ]);
  });
  it('refuses a wildcard repository in the schema', () => {
    const raw = { ...shippedRaw('dogfood'), access: { githubRepository: 'acme/*' } };
    expect(FlagsSchema.safeParse(raw).success).toBe(false);
    expect(FlagsSchema.safeParse({ ...raw, access: { githubRepository: '*/fleetflags' } }).success).toBe(false);
  });
});

describe('LoadBalancerServesTls', () => {
  it('passes an AWS environment with a certificate', () => expect(check(LoadBalancerServesTls, shippedFlags('production'))).toEqual([]));
  it('exempts the offline sandbox', () => expect(check(LoadBalancerServesTls, sandboxFlags())).toEqual([]));
  it('blocks an AWS environment serving plain HTTP to the internet', () => {
    expect(check(LoadBalancerServesTls, edit('production', (f) => delete f.network.certificateArn))).toEqual([
      '$.network.certificateArn: the internet-facing load balancer of the AWS environment production would serve plain HTTP to 0.0.0.0/0',
    ]);
  });
});

describe('BuildsPinned', () => {
  it('passes when every build in use is pinned', () => expect(check(BuildsPinned, shippedFlags('dogfood'))).toEqual([]));
  it('exempts the offline sandbox', () => expect(check(BuildsPinned, sandboxFlags())).toEqual([]));
  it('blocks a build with no pin, once per build and architecture', () => {
    const flags = edit('dogfood', (f) => {
      f.builds = {};
      f.quarantines = [{ name: 'a', pathPatterns: ['/a/*'] }];
    });
    expect(check(BuildsPinned, flags)).toEqual([
      '$.ingest.buildId: build 2026.11.20-1 (arm64) has no pinned SHA-256, so instances would trust whatever the bucket holds',
    ]);
  });
  it('blocks a pin for the wrong architecture', () => {
    const flags = edit('dogfood', (f) => (f.quarantines = [{ name: 'a', pathPatterns: ['/a/*'], arch: 'amd64', instanceType: 'c7i.large' }]));
    expect(check(BuildsPinned, flags)).toEqual([
      '$.ingest.buildId: build 2026.11.20-1 (amd64) has no pinned SHA-256, so instances would trust whatever the bucket holds',
    ]);
    expect(buildsInUse(flags).map((b) => `${b.buildId}/${b.arch}`)).toEqual(['2026.11.20-1/arm64', '2026.11.20-1/amd64']);
  });
});

function shippedRaw(environment: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(require('node:fs').readFileSync(`flags/${environment}.json`, 'utf8'));
}

function edit(environment: string, change: (f: Record<string, any>) => void): Flags { // eslint-disable-line @typescript-eslint/no-explicit-any
  const raw = shippedRaw(environment);
  change(raw);
  return FlagsSchema.parse(raw);
}

function check(rule: FlagsRule, flags: Flags): string[] {
  const entry = loaded(flags);
  return rule.check(entry, { all: [entry], now: new Date('2026-11-21T12:00:00Z'), expiredCatchUp: 'reject' }).map((p) => `${p.path}: ${p.problem}`);
}
