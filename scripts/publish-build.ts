/**
 * npm run publish-build -- --env <env> --build <id> --arch <arm64|amd64> --file <path>
 *
 * Uploads a build of the agent and its SHA-256 to the environment's artifacts bucket,
 * where its launch templates fetch it and the deploy's ArtifactsPublished guard checks
 * it (lib/deploy/publish-build.ts). For AWS environments with the ambient credentials;
 * for the emulated sandbox, to the emulator. A zero-byte file is refused (exit 2).
 */
import { parseCommandLine } from '../lib/cli';
import { ARCHITECTURES, type Arch } from '../lib/flags/schema';
import { errors, publishErrors } from '../lib/errors';
import { s3Client } from '../lib/emulator/clients';
import { loadFlagsOrThrow } from '../lib/flags/load';
import { resourceNames } from '../lib/naming';
import { publishBuild } from '../lib/deploy/publish-build';
import { pinInstructions } from '../lib/deploy/publish-line';

const USAGE = 'npm run publish-build -- --env <environment> --build <id> --arch <arm64|amd64> --file <path>';

export async function main(args: readonly string[], options: { print?: (line: string) => void } = {}): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, help } = parseCommandLine<{ env?: string; build?: string; arch?: string; file?: string }>(args, {
    usage: USAGE,
    options: { env: { type: 'string' }, build: { type: 'string' }, arch: { type: 'string' }, file: { type: 'string' } },
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  for (const name of ['env', 'build', 'arch', 'file'] as const) if (!values[name]) throw errors.usage(`--${name} is required`, USAGE);
  if (!(ARCHITECTURES as readonly string[]).includes(values.arch!)) throw publishErrors.unknownArch(values.arch!, ARCHITECTURES);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(values.build!)) {
    throw errors.usage(`--build ${JSON.stringify(values.build)} is not a build ID (1-64 of letters, digits, ".", "_", "-")`, USAGE);
  }
  const all = loadFlagsOrThrow(undefined, { expiredCatchUp: 'allow' });
  const entry = all.find((e) => e.environment === values.env);
  if (!entry) throw errors.unknownEnvironment(values.env!, all.map((e) => e.environment));
  const { region, endpoint } = entry.flags.aws;
  const published = await publishBuild({
    client: s3Client({ region, endpoint }),
    bucket: resourceNames(entry.flags).artifactsBucket,
    buildId: values.build!,
    arch: values.arch as Arch,
    file: values.file!,
  });
  print(`published ${values.build} (${values.arch}, ${published.size} bytes, sha256 ${published.sha256}) to s3://${published.bucket}/${published.key}`);
  print(`checksum: s3://${published.bucket}/${published.checksumKey}`);
  for (const line of pinInstructions(values.build!, values.arch as Arch, published.sha256)) print(line);
  return 0;
}
