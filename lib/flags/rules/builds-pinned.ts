import { flagsProblems, type FlagsProblem } from '../../errors';
import { isAwsEnvironment } from '../schema';
import type { Flags } from '../schema';
import type { FlagsRule } from './rule';

/** Each build a fleet of the environment runs: where it is set, its ID and architecture. */
export function buildsInUse(flags: Flags): { path: string; buildId: string; arch: 'arm64' | 'amd64' }[] {
  const used = [{ path: '$.ingest.buildId', buildId: flags.ingest.buildId, arch: flags.ingest.arch ?? flags.arch }];
  if (flags.catchUp.enabled) {
    used.push({ path: flags.catchUp.buildId ? '$.catchUp.buildId' : '$.ingest.buildId', buildId: flags.catchUp.buildId ?? flags.ingest.buildId, arch: flags.catchUp.arch ?? flags.arch });
  }
  flags.quarantines.forEach((q, i) =>
    used.push({ path: q.buildId ? `$.quarantines[${i}].buildId` : '$.ingest.buildId', buildId: q.buildId ?? flags.ingest.buildId, arch: q.arch ?? flags.arch }),
  );
  return used;
}

/** The pinned SHA-256 of a build for an architecture, if the flags pin it. */
export function pinnedSha256(flags: Pick<Flags, 'builds'>, buildId: string, arch: 'arm64' | 'amd64'): string | undefined {
  return Object.prototype.hasOwnProperty.call(flags.builds, buildId) ? flags.builds[buildId][arch] : undefined;
}

/**
 * Every build an AWS environment runs is pinned by its SHA-256 in "builds", so a
 * build ID means one binary forever: user data refuses any other download. The
 * offline sandbox is exempt (it never boots an instance).
 */
export const BuildsPinned: FlagsRule = {
  id: 'BuildsPinned',
  description: 'Every build (and architecture) an AWS environment runs has a pinned SHA-256 in "builds".',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    if (!isAwsEnvironment(flags)) return problems;
    const seen = new Set<string>();
    for (const b of buildsInUse(flags)) {
      const key = `${b.buildId}/${b.arch}`;
      if (seen.has(key) || pinnedSha256(flags, b.buildId, b.arch)) continue;
      seen.add(key);
      problems.push(flagsProblems.buildNotPinned(file, b.path, b.buildId, b.arch));
    }
    return problems;
  },
};
