/**
 * Offline working copies of a stack, for plans that must not reach AWS: the
 * configuration without its state backend (plans run against a local state file we
 * choose) and without `endpoints`, and, when the stack's AWS provider would call AWS
 * or read a profile, an override file with dummy credentials and skipped account
 * checks (and placeholders for required variables). The resources are untouched, so
 * the real provider plans exactly what would be deployed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OFFLINE_ACCESS_KEY } from './provider-access-keys';
import { linkProviders, type StackJson } from './runner';

export const OFFLINE_OVERRIDE_FILE = 'fleetflags_offline_override.tf.json';

/**
 * Writes an offline working copy of a stack into `dir`: the configuration without
 * its backend, an override with offline provider settings when the stack's own
 * provider would call AWS, and the shared providers.
 */
export async function writeOfflineWorkdir(dir: string, stack: StackJson): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
  if (copy.terraform) delete copy.terraform.backend;
  withoutEndpoints(copy);
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(copy, null, 2));
  writeOfflineOverride(dir, copy);
  await linkProviders(dir);
}

/**
 * Drops the `endpoints` block of every aws provider configuration of an offline copy.
 * Offline, the provider calls nothing, so where it would call makes no difference to a
 * plan, and the block is costly: aws provider 5.100.0 spends about 2.4 s of CPU (2 s of
 * wall time) validating a configuration that has one, in every Terraform process that
 * validates or configures the provider, whatever the block holds (one attribute, or none,
 * costs the same; measured 2026-11-28 on the 2-core machine: a pooled sandbox-fleet
 * plan, provider CPU 2.86 s with the block, 0.48 s without). An override file cannot
 * remove a block, so the copy itself goes without.
 *
 * Still needed although our synthesis writes no `endpoints` block any more (emulated
 * environments use the emulator profile, emulator-profile.ts): synthesizeRef
 * (lib/plan/ref-synthesis.ts) builds base refs and rollback branches with that ref's own,
 * older code, which still produces an `endpoints` block for the sandbox.
 */
export function withoutEndpoints(stack: StackJson): StackJson {
  for (const config of ([] as StackJson[]).concat(stack.provider?.aws ?? [])) delete config.endpoints;
  return stack;
}

/** Where an offline plan gets a required variable's value from: no secret store there. */
export const OFFLINE_VARIABLE_PLACEHOLDER = 'fleetflags-offline-placeholder';

/**
 * Defaults for the variables an offline plan has no value for (a required variable,
 * such as an alarm subscription's secret endpoint, set from CI's secret store as
 * TF_VAR_<name> in a real plan): a placeholder, after the prefix a `startswith`
 * validation of the variable asks for. Speculative plans (forks, rollback PRs) have no
 * secrets; the value is sensitive, so a plan shows it as (sensitive value) either way.
 */
export function offlineVariableDefaults(stack: StackJson): Record<string, { default: string }> {
  const defaults: Record<string, { default: string }> = {};
  for (const [name, variable] of Object.entries((stack.variable ?? {}) as Record<string, StackJson>)) {
    if (variable.default !== undefined) continue;
    const conditions = ([] as StackJson[]).concat(variable.validation ?? []).map((v) => String(v.condition ?? ''));
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const prefix = conditions.map((c) => new RegExp(`startswith\\(var\\.${escaped},\\s*"([^"]*)"\\)`).exec(c)?.[1]).find((p) => p !== undefined) ?? '';
    defaults[name] = { default: `${prefix}${OFFLINE_VARIABLE_PLACEHOLDER}` };
  }
  return defaults;
}

/**
 * The offline override (dummy credentials, skipped account checks) next to a configuration whose AWS provider
 * would call AWS. Exported for modules-workdir.ts, which writes one beside each module; callers of a whole
 * working copy use writeOfflineWorkdir.
 */
export function writeOfflineOverride(dir: string, stack: StackJson): void {
  const providers = ([] as StackJson[]).concat(stack.provider?.aws ?? []);
  const overridePath = path.join(dir, OFFLINE_OVERRIDE_FILE);
  // An AWS provider validates credentials and looks the account up; an emulated one
  // (its profile) looks the account up at the emulator. Offline, neither may happen, and no
  // profile file is read (an emulated stack's is not in the working copy).
  const variables = offlineVariableDefaults(stack);
  const hasVariables = Object.keys(variables).length > 0;
  // A provider that names a profile or shared config file takes this branch too, however offline it
  // looks: the file would be read at configure (and is not in the working copy).
  const callsAws = (p: StackJson) => p.skip_credentials_validation !== true || p.skip_requesting_account_id !== true;
  const readsProfile = (p: StackJson) => (p.profile ?? undefined) !== undefined || (p.shared_config_files ?? undefined) !== undefined;
  if (providers.some((p) => callsAws(p) || readsProfile(p))) {
    writeFileSync(
      overridePath,
      JSON.stringify(
        {
          ...(hasVariables ? { variable: variables } : {}),
          provider: {
            aws: {
              access_key: OFFLINE_ACCESS_KEY,
              secret_key: OFFLINE_ACCESS_KEY,
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: 'true',
              skip_region_validation: true,
              // Without a real account ID the allowed-account check cannot pass.
              allowed_account_ids: null,
              profile: null,
              shared_config_files: null,
            },
          },
        },
        null,
        2,
      ),
    );
  } else if (hasVariables) {
    writeFileSync(overridePath, JSON.stringify({ variable: variables }, null, 2));
  } else {
    rmSync(overridePath, { force: true });
  }
}
