/**
 * Several configurations in one Terraform process: each as a module of one root
 * (writeModulesWorkdir), so one `validate` and one `plan` check them all, and each
 * module's part of the plan read back as its own (modulePlan). providerGroups splits
 * stacks into the groups that may share a root.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors } from '../errors';
import { withoutEndpoints, writeOfflineOverride, writeOfflineWorkdir } from './offline-workdir';
import { providerPoolEnabled } from './provider-eligibility';
import type { StackJson } from './runner';

/** Where writeModulesWorkdir puts each configuration, relative to the root. */
export const MODULES_DIR = 'modules';

export interface ModulesWorkdirOptions {
  /**
   * Re-export every module's outputs as root outputs (`moduleOutputName`), so a plan
   * shows them (a root plan has no module outputs) and modulePlan puts them back in
   * the module's `output_changes`. A sensitive output stays sensitive. @default false
   */
  readonly outputs?: boolean;
}

export interface ModulesWorkdir {
  /**
   * True when every configuration has the same provider configuration: it is at the
   * root and the modules inherit it (state: `provider["..."]`); false when each module
   * keeps its own (state: `module.<name>.provider["..."]`).
   */
  readonly sharedProvider: boolean;
}

/** The root output that re-exports output `output` of module `moduleName` (ModulesWorkdirOptions.outputs). */
export function moduleOutputName(moduleName: string, output: string): string {
  return `${moduleName}__${output}`;
}

/**
 * Writes an offline working copy that holds each configuration as a module of one
 * root (`module "<name>" { source = "./modules/<name>" }`), so ONE `terraform
 * validate` and ONE `plan` (+ `show -json`) check them all: one Terraform process
 * instead of one per configuration, and the provider schema (seconds of CPU for AWS,
 * in every Terraform process) loaded once.
 *
 * When every configuration has the same provider configuration (variants of one
 * stack: the flag matrix), it moves to the root and the modules inherit it: one
 * provider process. Otherwise each module keeps its own provider block (and its own
 * offline override): one provider process per module, still one Terraform process, but
 * no pooled server may serve its plan (provider-eligibility.ts): to plan such
 * configurations, split them with providerGroups first.
 * Names must be Terraform identifiers. Read each module's plan back with modulePlan.
 */
export async function writeModulesWorkdir(
  dir: string,
  configurations: ReadonlyMap<string, StackJson>,
  options: ModulesWorkdirOptions = {},
): Promise<ModulesWorkdir> {
  const entries = [...configurations];
  if (entries.length === 0) throw new Error('writeModulesWorkdir: no configurations');
  const first = entries[0][1];
  const shared = entries.every(([, stack]) => providerConfigurationKey(stack) === providerConfigurationKey(first));
  rmSync(path.join(dir, MODULES_DIR), { recursive: true, force: true });
  mkdirSync(path.join(dir, '.terraform', 'modules'), { recursive: true });
  const modules: Record<string, { source: string }> = {};
  const outputs: Record<string, { value: string; sensitive?: boolean }> = {};
  const exportedBy = new Map<string, string>();
  for (const [name, stack] of entries) {
    const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
    if (shared) delete copy.provider;
    if (copy.terraform) delete copy.terraform.backend;
    withoutEndpoints(copy);
    const moduleDir = path.join(dir, MODULES_DIR, name);
    mkdirSync(moduleDir, { recursive: true });
    writeFileSync(path.join(moduleDir, 'cdk.tf.json'), JSON.stringify(copy));
    // Shared: the provider settings are the root's; the module still needs its required variables' placeholders.
    writeOfflineOverride(moduleDir, copy);
    modules[name] = { source: `./${MODULES_DIR}/${name}` };
    if (options.outputs) {
      for (const [output, definition] of Object.entries((copy.output ?? {}) as Record<string, { sensitive?: boolean }>)) {
        const rootName = moduleOutputName(name, output);
        if (exportedBy.has(rootName)) throw errors.moduleOutputClash(rootName, [exportedBy.get(rootName)!, name]);
        exportedBy.set(rootName, name);
        outputs[rootName] = { value: `\${module.${name}.${output}}`, ...(definition?.sensitive === true ? { sensitive: true } : {}) };
      }
    }
  }
  const root: StackJson = {
    terraform: { required_providers: first.terraform?.required_providers ?? {} },
    ...(shared && first.provider ? { provider: first.provider } : {}),
    module: modules,
    ...(Object.keys(outputs).length > 0 ? { output: outputs } : {}),
  };
  await writeOfflineWorkdir(dir, root);
  // What `terraform init` would record for local modules: their directories. Writing it
  // ourselves keeps init (and its provider installation) out of the run.
  const manifest = {
    Modules: [{ Key: '', Source: '', Dir: '.' }, ...entries.map(([name]) => ({ Key: name, Source: modules[name].source, Dir: path.join(MODULES_DIR, name) }))],
  };
  writeFileSync(path.join(dir, '.terraform', 'modules', 'modules.json'), JSON.stringify(manifest));
  return { sharedProvider: shared };
}

/** Configurations with equal keys have the same provider configuration: writeModulesWorkdir lets their modules share the root's. */
export function providerConfigurationKey(stack: StackJson): string {
  return JSON.stringify(stack.provider ?? null);
}

/**
 * Stacks (by name) in the groups that may share one Terraform root: those with the same provider
 * configuration (providerConfigurationKey), in the order given. A root of modules with
 * different provider configurations launches a provider per module for every plan (no pooled server
 * serves two configurations: provider-eligibility.ts); one root per configuration, each plan
 * attached to a pooled server, takes about half the CPU (README, the provider pool; baselines.ts buildBaselines). With the
 * pool off (FLEETFLAGS_PROVIDER_POOL=0), every stack is in one group: one root launching its own
 * providers is cheaper than one per stack doing so.
 */
export function providerGroups(names: readonly string[], stackOf: (name: string) => StackJson, env: NodeJS.ProcessEnv = process.env): string[][] {
  if (!providerPoolEnabled(env)) return names.length > 0 ? [[...names]] : [];
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = providerConfigurationKey(stackOf(name));
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return [...groups.values()];
}

/**
 * One module's part of a plan made with writeModulesWorkdir, shaped like the plan
 * of that configuration alone: `resource_changes` and
 * `planned_values.root_module.resources` with module-relative addresses, `errored`,
 * `applyable`, `complete`, `timestamp`, and the module's `configuration` (its provider's, whether
 * its own or inherited from the root, under the plain key: `aws`).
 * `output_changes` are the module's outputs when the workdir re-exported them
 * (ModulesWorkdirOptions.outputs); otherwise empty (module outputs are not in a root plan).
 * Resources of modules nested in the module are left out.
 */
export function modulePlan(plan: StackJson, name: string): StackJson {
  const moduleAddress = `module.${name}`;
  const strip = <T extends { address: string }>(r: T): T => ({ ...r, address: r.address.slice(moduleAddress.length + 1) });
  const changes = ((plan.resource_changes ?? []) as Array<{ address: string; module_address?: string }>)
    .filter((rc) => rc.module_address === moduleAddress)
    .map(({ module_address: _m, ...rc }) => strip(rc));
  const child = ((plan.planned_values?.root_module?.child_modules ?? []) as Array<{ address: string; resources?: Array<{ address: string }> }>).find(
    (m) => m.address === moduleAddress,
  );
  const config = plan.configuration?.root_module?.module_calls?.[name]?.module as StackJson | undefined;
  const outputChanges: Record<string, unknown> = {};
  for (const output of Object.keys(config?.outputs ?? {})) {
    const change = plan.output_changes?.[moduleOutputName(name, output)];
    if (change) outputChanges[output] = change;
  }
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    errored: plan.errored,
    ...(plan.applyable !== undefined ? { applyable: plan.applyable } : {}),
    ...(plan.complete !== undefined ? { complete: plan.complete } : {}),
    ...(plan.timestamp !== undefined ? { timestamp: plan.timestamp } : {}),
    resource_changes: changes,
    output_changes: outputChanges,
    planned_values: { root_module: { resources: (child?.resources ?? []).map(strip) } },
    ...(config ? { configuration: moduleConfiguration(plan.configuration, moduleAddress, config) } : {}),
  };
}

/** A module's configuration as a root's: its resources' provider keys and its provider configurations without the module prefix. */
function moduleConfiguration(configuration: StackJson, moduleAddress: string, module: StackJson): StackJson {
  const unprefix = (key: string) => key.replace(/^[^:]*:/, '');
  const providers = Object.entries((configuration.provider_config ?? {}) as Record<string, { module_address?: string }>);
  const own = providers.filter(([, p]) => p.module_address === moduleAddress);
  const providerConfig = Object.fromEntries(
    (own.length > 0 ? own : providers.filter(([, p]) => p.module_address === undefined)).map(([key, { module_address: _m, ...p }]) => [unprefix(key), p]),
  );
  const resources = ((module.resources ?? []) as Array<{ provider_config_key?: string }>).map((r) =>
    r.provider_config_key ? { ...r, provider_config_key: unprefix(r.provider_config_key) } : r,
  );
  return { provider_config: providerConfig, root_module: { ...module, resources } };
}
