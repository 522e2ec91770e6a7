/**
 * The line `npm run publish-build` prints after uploading a build: the entry to
 * paste into the flags file's "builds", so every environment that runs the build
 * pins its SHA-256 (issue 11, finding 10). The publish script (issue 8) calls
 * `pinLine` with what it uploaded; `sha256OfFile` digests the binary.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FlagsSchema, type Arch } from '../flags/schema';

/** The SHA-256 of a file, streamed (builds can be large). */
export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * `"<buildId>": { "<arch>": "<sha256>" }`, the "builds" entry of the flags file,
 * validated by the flags schema itself so the line always pastes cleanly.
 */
export function pinLine(buildId: string, arch: Arch, sha256: string): string {
  const builds = (FlagsSchema.shape.builds as unknown as { parse(v: unknown): unknown });
  builds.parse({ [buildId]: { [arch]: sha256 } });
  return `${JSON.stringify(buildId)}: { ${JSON.stringify(arch)}: ${JSON.stringify(sha256)} }`;
}

/** What the publish script prints: the line and where it goes. */
export function pinInstructions(buildId: string, arch: Arch, sha256: string): string[] {
  return [
    `pin build ${buildId} (${arch}): add this entry to "builds" in flags/<environment>.json of every environment that runs it:`,
    `  ${pinLine(buildId, arch, sha256)}`,
  ];
}
