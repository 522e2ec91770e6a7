/**
 * Each data-side safety rule, with a paired compliant and non-compliant case
 * sharing one helper (`check`). The fleet rules have their own files.
 */
import type { Flags } from '../../../../lib/flags/schema';
import { BucketNamesValid, bucketNameViolation } from '../../../../lib/flags/rules/bucket-names-valid';
import { DeployOrderUnique } from '../../../../lib/flags/rules/deploy-order-unique';
import { EmulatorEndpointOnLoopback, isLoopbackEndpoint } from '../../../../lib/flags/rules/emulator-endpoint-on-loopback';
import { EnvironmentKindConsistent } from '../../../../lib/flags/rules/environment-kind-consistent';
import { LogExpiryCoversBackfill } from '../../../../lib/flags/rules/log-expiry-covers-backfill';
import { NamesUniqueAcrossEnvironments } from '../../../../lib/flags/rules/names-unique-across-environments';
import type { FlagsRule } from '../../../../lib/flags/rules/rule';
import { TableNameValid } from '../../../../lib/flags/rules/table-name-valid';
import { loaded, sandboxFlags, shippedFlags } from '../../../helpers/flags-fixtures';

describe('BucketNamesValid', () => {
  it('passes derived names', () => expect(check(BucketNamesValid, sandboxFlags())).toEqual([]));
  it('blocks an override that breaks S3 naming rules', () => {
    expect(check(BucketNamesValid, sandboxFlags((f) => (f.artifacts = { bucketName: 'Bad..Name' })))).toEqual([
      '$.artifacts.bucketName: not a valid S3 bucket name: only lowercase letters, digits, "." and "-" are allowed',
    ]);
  });
  it.each([
    ['ab', '2 characters, not 3-63'],
    ['a'.repeat(64), '64 characters, not 3-63'],
    ['-logs', 'must start and end with a letter or digit'],
    ['logs..x', 'two adjacent periods'],
    ['10.0.0.1', 'formatted as an IP address'],
    ['sthree-logs', 'reserved prefix'],
    ['logs-s3alias', 'reserved suffix'],
  ])('knows S3 rule: %s -> %s', (name, violation) => expect(bucketNameViolation(name)).toBe(violation));
  it('accepts a plain name', () => expect(bucketNameViolation('fleetflags-prod-logs')).toBeUndefined());
});

describe('TableNameValid', () => {
  it('passes the derived name', () => expect(check(TableNameValid, sandboxFlags())).toEqual([]));
  it('blocks characters DynamoDB does not allow', () => {
    expect(check(TableNameValid, sandboxFlags((f) => (f.lockTable = { tableName: 'a b' })))).toEqual([
      '$.lockTable.tableName: not a valid DynamoDB table name',
    ]);
  });
});

describe('NamesUniqueAcrossEnvironments', () => {
  it('passes the shipped environments', () => {
    const all = ['sandbox', 'dogfood', 'production'].map((e) => loaded(shippedFlags(e)));
    expect(all.flatMap((e) => NamesUniqueAcrossEnvironments.check(e, { all, now: new Date(), expiredCatchUp: 'reject' }))).toEqual([]);
  });
  it('blocks two environments with one table in one account and region', () => {
    const a = loaded(shippedFlags('dogfood'));
    const b = loaded({ ...shippedFlags('production'), aws: shippedFlags('dogfood').aws, lockTable: { backfillMinutes: 60, tableName: 'fleetflags-dogfood-locks' } });
    expect(NamesUniqueAcrossEnvironments.check(b, { all: [a, b], now: new Date(), expiredCatchUp: 'reject' }).map((p) => p.path)).toEqual(['$.lockTable.tableName']);
  });
  it('allows the same table name in different accounts', () => {
    const a = loaded(shippedFlags('dogfood'));
    const b = loaded({ ...shippedFlags('production'), lockTable: { backfillMinutes: 60, tableName: 'fleetflags-dogfood-locks' } });
    expect(NamesUniqueAcrossEnvironments.check(b, { all: [a, b], now: new Date(), expiredCatchUp: 'reject' })).toEqual([]);
  });
});

describe('EnvironmentKindConsistent', () => {
  it('passes every shipped environment', () => {
    for (const env of ['sandbox', 'dogfood', 'production']) expect(check(EnvironmentKindConsistent, shippedFlags(env))).toEqual([]);
  });
  it('blocks an AWS environment on local state', () => {
    expect(check(EnvironmentKindConsistent, { ...shippedFlags('dogfood'), state: { backend: 'local' } })).toEqual([
      '$.state.backend: an AWS environment must keep its state in S3 with locking, not on one machine',
    ]);
  });
});

describe('EmulatorEndpointOnLoopback', () => {
  it('passes the sandbox, emulated on 127.0.0.1', () => expect(check(EmulatorEndpointOnLoopback, sandboxFlags())).toEqual([]));
  it('passes an environment with no endpoint', () => expect(check(EmulatorEndpointOnLoopback, shippedFlags('production'))).toEqual([]));
  it('blocks an endpoint on another host: API calls and credentials never leave the machine', () => {
    const flags = sandboxFlags((f) => (f.aws = { ...f.aws, endpoint: 'http://10.1.2.3:4566' }));
    expect(check(EmulatorEndpointOnLoopback, flags)).toEqual(['$.aws.endpoint: the AWS endpoint of an emulated environment must be on this machine']);
  });
  it.each([
    ['http://127.0.0.1:4566', true],
    ['http://localhost:4566', true],
    ['http://[::1]:4566', true],
    ['https://127.0.0.1:4566', true],
    ['http://127.0.0.1.example.com:4566', false],
    ['http://user:pw@127.0.0.1:4566', false],
    ['http://127.0.0.1:4566/path', false],
    ['ftp://127.0.0.1:4566', false],
  ])('%s on loopback: %s', (endpoint, ok) => expect(isLoopbackEndpoint(endpoint)).toBe(ok));
});

describe('EnvironmentKindConsistent for emulated environments', () => {
  it('passes the emulated sandbox on local state', () => expect(check(EnvironmentKindConsistent, shippedFlags('sandbox'))).toEqual([]));
  it('blocks an emulated environment in the promotion', () => {
    expect(check(EnvironmentKindConsistent, { ...shippedFlags('sandbox'), deploy: { order: 3 } })).toEqual([
      '$.deploy: an offline or emulated environment is not part of the promotion',
    ]);
  });
});

describe('DeployOrderUnique', () => {
  it('passes dogfood then production', () => {
    const all = [loaded(shippedFlags('dogfood')), loaded(shippedFlags('production'))];
    expect(all.flatMap((e) => DeployOrderUnique.check(e, { all, now: new Date(), expiredCatchUp: 'reject' }))).toEqual([]);
  });
  it('blocks two environments in one slot', () => {
    const dog = loaded(shippedFlags('dogfood'));
    const prod = loaded({ ...shippedFlags('production'), deploy: { order: 1 } });
    expect(DeployOrderUnique.check(prod, { all: [dog, prod], now: new Date(), expiredCatchUp: 'reject' }).map((p) => p.path)).toEqual(['$.deploy.order']);
  });
});

describe('LogExpiryCoversBackfill', () => {
  it('passes a look-back shorter than the log retention', () => expect(check(LogExpiryCoversBackfill, sandboxFlags())).toEqual([]));
  it('blocks logs that expire before the agents look at them', () => {
    const flags = sandboxFlags((f) => {
      f.accessLogs = { expirationDays: 1 };
      f.lockTable = { backfillMinutes: 2880 };
    });
    expect(check(LogExpiryCoversBackfill, flags)).toEqual([
      "$.accessLogs.expirationDays: access logs expire before the agents' look-back ($.lockTable.backfillMinutes = 2880 minutes) ends",
    ]);
  });
});

function check(rule: FlagsRule, flags: Flags): string[] {
  const entry = loaded(flags);
  return rule.check(entry, { all: [entry], now: new Date('2026-11-21T12:00:00Z'), expiredCatchUp: 'reject' }).map((p) => `${p.path}: ${p.problem}`);
}
