/**
 * How an emulated environment's AWS provider reaches the emulator: a shared config
 * profile whose `endpoint_url` is the emulator, in a file next to the synthesized stack
 * (the provider configuration names it: `profile` + `shared_config_files`), instead of
 * the provider's `endpoints` block.
 *
 * Why not the block: any `endpoints` block (one attribute, or even empty) costs the AWS
 * provider 5.100.0 about 2.4 s of CPU in PrepareProviderConfig, the plugin framework's
 * validation of the provider configuration, in every Terraform process that validates or
 * configures it (validate, plan, apply, refresh). The SDK's own endpoint setting has no
 * such cost, reaches every service the stacks call (S3 path style too: the provider's
 * `s3_use_path_style`), and keeps the synthesized configuration self-contained, so a bare
 * `npx cdktf deploy` needs no variable exported (AWS_ENDPOINT_URL would).
 *
 * The file is named by a path relative to the stack directory, where cdktf and our runner
 * run Terraform; a pooled provider server (provider-eligibility.ts) gets a copy of it in its
 * own working directory. No cdktf import here: the provider pool reads this module.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorErrors } from '../errors';

/** The profile of the emulated environments' provider configuration. */
export const EMULATOR_PROFILE = 'fleetflags-emulator';

/** The shared config file in each synthesized stack directory of an emulated environment. */
export const EMULATOR_CONFIG_FILE = 'aws-emulator.config';

/**
 * The origin of `endpoint` (`new URL(endpoint).origin`) when `endpoint` is exactly that origin
 * (or it plus a trailing "/") and http(s); undefined for anything else. The URL parser drops
 * tabs and newlines and ignores a fragment, so a host check alone would pass an endpoint that
 * carries extra lines into the shared config file (`#\nservices = ...`): only a string equal
 * to its own origin has nothing but scheme, host and port.
 */
export function endpointOrigin(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return endpoint === url.origin || endpoint === `${url.origin}/` ? url.origin : undefined;
}

/**
 * The shared config file's text: the emulator profile, every service at `endpoint`'s origin.
 * Throws (emulatorProfileEndpoint) unless `endpoint` is already a canonical origin (endpointOrigin):
 * what is written is one line the flags rule EmulatorEndpointOnLoopback checked, never more.
 */
export function emulatorConfigText(endpoint: string): string {
  const origin = endpointOrigin(endpoint);
  if (origin === undefined) throw emulatorErrors.emulatorProfileEndpoint(endpoint);
  return [
    '# Written by fleetflags at synthesis (stacks/emulator-profile.ts): the emulated environment\'s',
    '# AWS provider sends every service here (shared config endpoint_url). Do not edit.',
    `[profile ${EMULATOR_PROFILE}]`,
    `endpoint_url = ${origin}`,
    '',
  ].join('\n');
}

/** Writes the emulator profile for `endpoint` into `dir` (a stack directory); returns the file's path there. */
export function writeEmulatorProfile(dir: string, endpoint: string): string {
  const file = path.join(dir, EMULATOR_CONFIG_FILE);
  writeFileSync(file, emulatorConfigText(endpoint));
  return file;
}

/**
 * The emulator endpoint of a shared config file's text, when it is exactly what
 * emulatorConfigText writes (one profile, one setting, a bare origin); undefined for anything else
 * (another profile, more settings: not ours, so not recognized as emulated).
 */
export function emulatorConfigEndpoint(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  if (lines.length !== 2 || lines[0] !== `[profile ${EMULATOR_PROFILE}]`) return undefined;
  const setting = /^endpoint_url\s*=\s*(\S+)$/.exec(lines[1])?.[1];
  // Only what emulatorConfigText writes: a bare origin (no fragment or path a reader could take otherwise).
  return setting !== undefined && endpointOrigin(setting) === setting ? setting : undefined;
}

/**
 * The variables of `env` that would overrule the emulator profile's endpoint_url: the AWS SDKs'
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> win over a shared config endpoint_url, and
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops it (the calls then go to the real AWS hosts).
 * Terraform runs of emulated configurations go without them (runner.ts, provider-server.ts).
 */
export function endpointOverrideVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((name) => /^AWS_ENDPOINT_URL(_\w+)?$/.test(name) || name === 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS');
}
