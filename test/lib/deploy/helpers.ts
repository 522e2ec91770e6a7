/** Shared test factories for the deploy suites. */
import { FlagsSchema, type Flags, type FlagsInput } from '../../../lib/flags/schema';
import type { GuardContext } from '../../../lib/deploy/guards/guard';

/** Valid flags for `environment`, with `overrides` merged at the top level. */
export function flagsFor(environment: string, overrides: Partial<FlagsInput> = {}): Flags {
  return FlagsSchema.parse({
    environment,
    aws: { region: 'us-east-1', accountId: '111122223333' },
    state: { backend: 's3', bucket: 'state-bucket', region: 'us-east-1' },
    deploy: { order: environment === 'production' ? 2 : 1 },
    naming: { prefix: `ff-${environment}` },
    arch: 'arm64',
    network: { vpcId: 'vpc-0123abcd', subnetIds: ['subnet-0123abcd', 'subnet-0456abcd'] },
    ingest: { buildId: '2026.11.20-1', minSize: 1, maxSize: 4, desiredCapacity: 2 },
    ...overrides,
  });
}

/** A guard context for `environment` with no plans and no commits. */
export function contextFor(environment: string, overrides: Partial<GuardContext> = {}): GuardContext {
  return {
    environment,
    flagsFile: `flags/${environment}.json`,
    flags: flagsFor(environment),
    plans: [],
    now: new Date('2026-11-25T12:00:00Z'),
    ...overrides,
  };
}
