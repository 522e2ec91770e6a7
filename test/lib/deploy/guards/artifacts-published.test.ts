import { createHash } from 'node:crypto';
import { artifactsPublished, parseChecksum, pinnedBuilds } from '../../../../lib/deploy/guards/artifacts-published';
import { s3ArtifactStore } from '../../../../lib/deploy/artifact-store';
import { contextFor, flagsFor } from '../helpers';
import { startFakeS3, type FakeS3 } from '../fake-s3';

const BUCKET = 'ff-production-artifacts';
const BINARY = Buffer.from('\x7fELF... a real agent binary'.repeat(1000));

describe('ArtifactsPublished', () => {
  let s3: FakeS3;
  beforeEach(async () => {
    s3 = await startFakeS3();
  });
  afterEach(() => s3.close());

  const guard = () => artifactsPublished({ createStore: () => s3ArtifactStore(s3.client) });
  const publish = (buildId: string, arch: string, body: Buffer, checksum: string | null = `${sha256(body)}  ingest-agent-linux-${arch}\n`) => {
    s3.objects.set(`${BUCKET}/builds/${buildId}/ingest-agent-linux-${arch}`, body);
    if (checksum !== null) s3.objects.set(`${BUCKET}/builds/${buildId}/ingest-agent-linux-${arch}.sha256`, Buffer.from(checksum));
  };

  test('passes when every pinned build is published, non-empty and matches its checksum', async () => {
    // GIVEN the main build for arm64 and a quarantine's debug build for amd64, both published
    publish('2026.11.20-1', 'arm64', BINARY);
    publish('debug-7', 'amd64', Buffer.from('debug build'));
    const flags = flagsFor('production', { quarantines: [{ name: 'acme', pathPatterns: ['/acme/*'], buildId: 'debug-7', arch: 'amd64' }] });

    // WHEN
    const result = await guard().run(contextFor('production', { flags }));

    // THEN
    expect(result.outcome).toBe('pass');
    expect(result.message).toMatch(/artifacts verified in s3:\/\/ff-production-artifacts: 2026.11.20-1 \(arm64, 27000 bytes/);
    expect(result.message).toMatch(/debug-7 \(amd64/);
  });

  test('blocks a zero-byte artifact, naming the fleet, the build and the object key (the outage in the talk)', async () => {
    publish('2026.11.20-1', 'arm64', Buffer.alloc(0));

    const result = await guard().run(contextFor('production'));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(
      /flags\/production.json: fleet ingest \(\$.ingest.buildId\) runs build 2026.11.20-1 \(arm64\), but the artifact s3:\/\/ff-production-artifacts\/builds\/2026.11.20-1\/ingest-agent-linux-arm64 is zero bytes/,
    );
  });

  test('blocks a missing artifact of an enabled catch-up fleet', async () => {
    publish('2026.11.20-1', 'arm64', BINARY);
    const flags = flagsFor('production', { catchUp: { enabled: true, expiresAt: '2026-11-30T00:00:00Z', buildId: '2026.11.21-2' } });

    const result = await guard().run(contextFor('production', { flags }));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/fleet catchUp \(\$.catchUp.buildId\) runs build 2026.11.21-2 \(arm64\), but the artifact s3:\/\/ff-production-artifacts\/builds\/2026.11.21-2\/ingest-agent-linux-arm64 does not exist/);
    expect(result.message).not.toMatch(/fleet ingest/);
  });

  test('checks the architecture of each fleet: amd64 main fleet needs the amd64 binary', async () => {
    publish('2026.11.20-1', 'arm64', BINARY);
    const flags = flagsFor('production', { arch: 'amd64' });

    const result = await guard().run(contextFor('production', { flags }));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/ingest-agent-linux-amd64 does not exist/);
  });

  test('blocks an artifact without a published checksum', async () => {
    publish('2026.11.20-1', 'arm64', BINARY, null);

    const result = await guard().run(contextFor('production'));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/has no published checksum s3:\/\/ff-production-artifacts\/builds\/2026.11.20-1\/ingest-agent-linux-arm64.sha256/);
  });

  test('blocks an artifact whose bytes do not match the published SHA-256', async () => {
    publish('2026.11.20-1', 'arm64', BINARY, `${sha256(Buffer.from('another build'))}\n`);

    const result = await guard().run(contextFor('production'));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(new RegExp(`does not match its published SHA-256: published ${sha256(Buffer.from('another build'))}, actual ${sha256(BINARY)}`));
  });

  test('blocks a malformed checksum file', async () => {
    publish('2026.11.20-1', 'arm64', BINARY, 'not a checksum');

    const result = await guard().run(contextFor('production'));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/holds "not a checksum"; allowed: 64 hex digits/);
  });

  test('blocks when the bucket cannot be read, rather than letting the build through', async () => {
    s3.forceStatus = 403;

    const result = await guard().run(contextFor('production'));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/could not be checked \(.*403|could not be checked \(Forbidden|could not be checked \(AccessDenied/);
  });

  test('checks an object once even when several fleets run it, naming them all', async () => {
    const flags = flagsFor('production', { quarantines: [{ name: 'acme', pathPatterns: ['/acme/*'] }] });

    const result = await guard().run(contextFor('production', { flags }));

    expect(result.message).toMatch(/fleet ingest \(\$.ingest.buildId\), fleet quarantine acme \(\$.ingest.buildId\) runs build/);
    expect(s3.requests.filter((r) => r.startsWith('HEAD'))).toHaveLength(1);
  });
});

describe('pinnedBuilds', () => {
  test('main, enabled catch-up and each quarantine, with the environment default arch', () => {
    const flags = flagsFor('dogfood', {
      arch: 'amd64',
      ingest: { buildId: 'b1', arch: 'arm64', minSize: 1, maxSize: 2, desiredCapacity: 1 },
      catchUp: { enabled: true, expiresAt: '2026-11-30T00:00:00Z' },
      quarantines: [{ name: 'q1', pathPatterns: ['/q1/*'], buildId: 'b2' }],
    });
    expect(pinnedBuilds(flags)).toEqual([
      { fleet: 'ingest', path: '$.ingest.buildId', buildId: 'b1', arch: 'arm64' },
      { fleet: 'catchUp', path: '$.ingest.buildId', buildId: 'b1', arch: 'amd64' },
      { fleet: 'quarantine q1', path: '$.quarantines[0].buildId', buildId: 'b2', arch: 'amd64' },
    ]);
  });

  test('a disabled catch-up fleet pins nothing', () => {
    expect(pinnedBuilds(flagsFor('dogfood')).map((b) => b.fleet)).toEqual(['ingest']);
  });
});

test('parseChecksum reads sha256sum output and bare digests', () => {
  const hex = 'A'.repeat(64);
  expect(parseChecksum(`${hex}  ingest-agent-linux-arm64\n`)).toBe('a'.repeat(64));
  expect(parseChecksum(hex)).toBe('a'.repeat(64));
  expect(parseChecksum('')).toBeUndefined();
  expect(parseChecksum('abc')).toBeUndefined();
});

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
