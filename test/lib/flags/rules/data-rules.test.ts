/**
 * Each data-side safety rule, with a paired compliant and non-compliant case
 * sharing one helper (`check`). The fleet rules have their own files.
 */
import { readFileSync } from 'node:fs';
import { formatProblem } from '../../../../lib/errors';
import { parseFlags } from '../../../../lib/flags/load';
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
  it('blocks a prefix whose derived names break the rules once, with the prefix as the value and the names in the problem', () => {
    // GIVEN a prefix with S3's reserved "xn--" at the start, both buckets derived from it
    const both = sandboxFlags((f) => (f.naming = { prefix: 'xn--fleet' }));
    // WHEN / THEN one problem, not one per bucket
    expect(check(BucketNamesValid, both)).toEqual([
      '$.naming.prefix: the bucket names it makes, "xn--fleet-access-logs" and "xn--fleet-artifacts", are not valid S3 bucket names: reserved prefix',
    ]);
    expect(BucketNamesValid.check(loaded(both), { all: [loaded(both)], now: new Date(), expiredCatchUp: 'reject' })[0].value).toBe('xn--fleet');
    // AND with the artifacts bucket named outright, only the derived one is named
    const one = sandboxFlags((f) => {
      f.naming = { prefix: 'xn--fleet' };
      f.artifacts = { bucketName: 'fleetflags-builds' };
    });
    expect(check(BucketNamesValid, one)).toEqual([
      '$.naming.prefix: the bucket name it makes, "xn--fleet-access-logs", is not a valid S3 bucket name: reserved prefix',
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
    ['http://127.0.0.1:4566/', true],
    ['http://127.0.0.1:4566/#', false],
    ['http://127.0.0.1:4566#x', false],
    ['http://127.0.0.1:4566/?a=1', false],
    ['http://127.0.0.1:4566?', false],
    ['http://127.0.0.1:4566\n', false],
    ['http://127.0.\t0.1:4566', false],
    [' http://127.0.0.1:4566', false],
    ['http://@127.0.0.1:4566', false],
    ['HTTP://LOCALHOST:4566', false],
  ])('%j on loopback: %s', (endpoint, ok) => expect(isLoopbackEndpoint(endpoint)).toBe(ok));

  const INJECTION = 'http://127.0.0.1:4566/#\nservices = evil\n[services evil]\nsts =\n  endpoint_url = https://attacker.example';

  it('GIVEN an endpoint on loopback whose fragment carries shared-config lines (past the schema) WHEN checked THEN one problem: not a bare origin, naming the file, path, value and what is allowed', () => {
    // GIVEN flags that did not come through the schema (which refuses the newlines itself): the rule stands alone.
    // The URL parser drops the newlines, so its host is 127.0.0.1.
    const sandbox = sandboxFlags();
    const flags = { ...sandbox, aws: { ...sandbox.aws, endpoint: INJECTION } };
    // WHEN
    const problems = EmulatorEndpointOnLoopback.check(loaded(flags), { all: [], now: new Date(), expiredCatchUp: 'reject' });
    // THEN
    expect(problems).toHaveLength(1);
    const line = formatProblem(problems[0]);
    expect(line).toContain('flags/sandbox.json: $.aws.endpoint: the AWS endpoint of an emulated environment must be a bare origin');
    expect(line).toContain(`got ${JSON.stringify(INJECTION).slice(0, 60)}`);
    expect(line).toMatch(/allowed: http\(s\):\/\/<host>:<port> with an optional trailing "\/": no whitespace or control characters, path, query, fragment/);
    expect(line).toContain('fix: write "http://127.0.0.1:4566"');
    expect(line).not.toContain('\n');
  });

  it.each([
    ['the fragment injection', INJECTION],
    ['a tab', 'http://127.0.0.1:45\t66'],
    ['a trailing newline', 'http://127.0.0.1:4566\n'],
  ])('GIVEN a flags file whose endpoint has %s WHEN parsed THEN the schema refuses it on the raw string (zod\'s url check would drop the characters)', (_what, endpoint) => {
    // GIVEN
    const raw = JSON.parse(readFileSync('flags/sandbox.json', 'utf8'));
    raw.aws.endpoint = endpoint;
    // WHEN
    const { flags, problems } = parseFlags('flags/sandbox.json', JSON.stringify(raw));
    // THEN
    expect(flags).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^flags\/sandbox\.json: \$\.aws\.endpoint: .*got "http:\/\/127\.0\.0\.1:45.*allowed: an http\(s\) origin such as "http:\/\/127\.0\.0\.1:4566": no whitespace or control characters/),
    ]);
  });

  it.each([
    ['a path', 'http://127.0.0.1:4566/s3'],
    ['a query', 'http://127.0.0.1:4566/?x=1'],
    ['a fragment', 'http://127.0.0.1:4566#top'],
    ['user info', 'http://u@127.0.0.1:4566'],
  ])('GIVEN an endpoint with %s WHEN checked THEN it is refused as not a bare origin', (_what, endpoint) => {
    expect(check(EmulatorEndpointOnLoopback, sandboxFlags((f) => (f.aws = { ...f.aws, endpoint })))).toEqual([
      '$.aws.endpoint: the AWS endpoint of an emulated environment must be a bare origin (scheme, host, port), written as the URL parser writes it',
    ]);
  });

  it('GIVEN a bare origin with a trailing slash WHEN checked THEN it passes', () => {
    expect(check(EmulatorEndpointOnLoopback, sandboxFlags((f) => (f.aws = { ...f.aws, endpoint: 'http://localhost:4566/' })))).toEqual([]);
  });
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
