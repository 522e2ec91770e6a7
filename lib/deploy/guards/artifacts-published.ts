/**
 * Every build the flags pin is published, whole and verified: the guard against
 * the outage in the talk, where CI went green on a broken build and the scripts
 * deployed zero-byte binaries.
 *
 * For each fleet (main, enabled catch-up, each quarantine) and its architecture,
 * the artifacts bucket must hold `artifactKey(buildId, arch)`, non-empty, and its
 * published SHA-256 (`checksumKey`, as `sha256sum` writes it) must match the
 * object's bytes.
 */
import { artifactKey, checksumKey } from '../../arch';
import { deployMessages, type ArtifactProblemKind } from '../../errors';
import type { Arch, Flags } from '../../flags/schema';
import { fleetStackName, resourceNames } from '../../naming';
import { s3Client } from '../../emulator/clients';
import { s3ArtifactStore, type ArtifactStore } from '../artifact-store';
import { pinnedSha256 } from '../../flags/rules/builds-pinned';
import { block, pass, type Guard, type GuardResult } from './guard';

/** A build a fleet runs, and where the flags say so. */
export interface PinnedBuild {
  /** "ingest", "catchUp" or "quarantine <name>". */
  readonly fleet: string;
  /** JSON path of the build ID in the flags file. */
  readonly path: string;
  readonly buildId: string;
  readonly arch: Arch;
}

/** Every build the flags pin: main, the catch-up fleet when enabled, each quarantine. */
export function pinnedBuilds(flags: Flags): PinnedBuild[] {
  const builds: PinnedBuild[] = [
    { fleet: 'ingest', path: '$.ingest.buildId', buildId: flags.ingest.buildId, arch: flags.ingest.arch ?? flags.arch },
  ];
  if (flags.catchUp.enabled) {
    builds.push({
      fleet: 'catchUp',
      path: flags.catchUp.buildId ? '$.catchUp.buildId' : '$.ingest.buildId',
      buildId: flags.catchUp.buildId ?? flags.ingest.buildId,
      arch: flags.catchUp.arch ?? flags.arch,
    });
  }
  flags.quarantines.forEach((q, i) =>
    builds.push({
      fleet: `quarantine ${q.name}`,
      path: q.buildId ? `$.quarantines[${i}].buildId` : '$.ingest.buildId',
      buildId: q.buildId ?? flags.ingest.buildId,
      arch: q.arch ?? flags.arch,
    }),
  );
  return builds;
}

export interface ArtifactsPublishedOptions {
  /** The bucket to read. @default an S3 client of the environment (its region; its emulator when aws.endpoint is set) */
  readonly createStore?: (flags: Flags) => ArtifactStore;
}

/** The first 64-hex-digit word of a checksum file ("<hex>  <file name>" or just "<hex>"). */
export function parseChecksum(text: string): string | undefined {
  const word = text.trim().split(/\s+/)[0] ?? '';
  return /^[0-9a-fA-F]{64}$/.test(word) ? word.toLowerCase() : undefined;
}

export function artifactsPublished(options: ArtifactsPublishedOptions = {}): Guard {
  const id = 'ArtifactsPublished';
  const createStore = options.createStore ?? ((flags: Flags) => s3ArtifactStore(s3Client({ region: flags.aws.region, endpoint: flags.aws.endpoint })));
  return {
    id,
    description: 'Every pinned build exists in the artifacts bucket, is non-empty, and matches its published SHA-256 and the SHA-256 the flags pin.',
    run: async ({ environment, flagsFile, flags, plans }): Promise<GuardResult> => {
      // Only fleets run builds: a deploy of the data stack alone (the first step of a new environment) has nothing to check.
      if (plans.length > 0 && !plans.some((p) => p.stack === fleetStackName(environment))) {
        return pass(id, `not applicable: no fleet stack in this deploy (${plans.map((p) => p.stack).join(', ')})`, { checked: false });
      }
      const store = createStore(flags);
      const bucket = resourceNames(flags).artifactsBucket;
      const builds = pinnedBuilds(flags);
      // One check per object; a problem names every fleet that runs it.
      const byKey = new Map<string, PinnedBuild[]>();
      for (const b of builds) byKey.set(artifactKey(b.buildId, b.arch), [...(byKey.get(artifactKey(b.buildId, b.arch)) ?? []), b]);

      const problems: string[] = [];
      const verified: string[] = [];
      for (const [key, fleets] of byKey) {
        const { buildId, arch } = fleets[0];
        const where = { file: flagsFile, bucket, key, buildId, arch, fleets: fleets.map((f) => `${f.fleet} (${f.path})`) };
        const problem = await checkArtifact(store, bucket, key, checksumKey(buildId, arch)).catch(
          (e: Error) => deployMessages.artifactUnreadable(where, e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message),
        );
        const pin = pinnedSha256(flags, buildId, arch);
        if (typeof problem === 'string') problems.push(problem);
        else if (problem.kind === 'ok' && pin !== undefined && pin !== problem.sha256) problems.push(deployMessages.artifactNotPinned(where, pin, problem.sha256));
        else if (problem.kind === 'ok') verified.push(`${buildId} (${arch}, ${problem.size} bytes, sha256 ${problem.sha256.slice(0, 12)}…)`);
        else problems.push(deployMessages.artifactProblem(where, problem));
      }
      const details = { bucket, builds: builds.map((b) => ({ ...b, key: artifactKey(b.buildId, b.arch) })) };
      if (problems.length > 0) return block(id, problems.join('\n'), details);
      return pass(id, `artifacts verified in s3://${bucket}: ${verified.join(', ')}`, details);
    },
  };
}

/** What is wrong with one artifact, if anything. */
export type ArtifactCheck = { readonly kind: 'ok'; readonly size: number; readonly sha256: string } | ArtifactProblemKind;

async function checkArtifact(store: ArtifactStore, bucket: string, key: string, sumKey: string): Promise<ArtifactCheck> {
  const size = await store.size(bucket, key);
  if (size === undefined) return { kind: 'missing' };
  if (size === 0) return { kind: 'empty' };
  const text = await store.readText(bucket, sumKey);
  if (text === undefined) return { kind: 'checksumMissing', checksumKey: sumKey };
  const published = parseChecksum(text);
  if (!published) return { kind: 'checksumMalformed', checksumKey: sumKey, text };
  const actual = await store.sha256(bucket, key);
  if (actual !== published) return { kind: 'checksumMismatch', checksumKey: sumKey, published, actual };
  return { kind: 'ok', size, sha256: actual };
}
