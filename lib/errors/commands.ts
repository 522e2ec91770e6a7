import { ExitCode, FleetflagsError } from './base';

/** Errors of the command line, Terraform and the provider (lib/terraform/). */
export const commandErrors = {
  usage: (message: string, usage: string) => new FleetflagsError(`${message}\n\nusage: ${usage}`, ExitCode.Usage),

  noFlagsFiles: (dir: string) =>
    new FleetflagsError(
      `No flags files found in ${dir}. Add flags/<environment>.json (copy flags/sandbox.json to start).`,
      ExitCode.Usage,
    ),

  linterCannotRun: (tool: string, packageName: string, cause: string) =>
    new FleetflagsError(
      `${tool} cannot run: ${cause}. Allowed: ${tool} from the npm package ${packageName}, at the version package.json pins. Fix: npm ci.`,
      ExitCode.Failure,
    ),

  linterTimedOut: (tool: string, helper: string, scripts: number, seconds: number) =>
    new FleetflagsError(
      `${tool} did not finish checking ${scripts} script${scripts === 1 ? '' : 's'} within ${seconds} s and was stopped. ` +
        `Allowed: ${seconds} s for ${scripts} script${scripts === 1 ? '' : 's'} (a minute plus a second per script; a script usually takes about 85 ms). ` +
        `Fix: run it again; if it hangs again, run the helper by hand (node ${helper}, with the scripts as JSON on stdin) to see which script it stops on.`,
      ExitCode.Failure,
    ),

  linterHelperMissing: (tool: string, helper: string) =>
    new FleetflagsError(
      `${tool} cannot run: its helper ${helper} is missing from the checkout. Allowed: the helper as the repository has it. Fix: restore it from git (git checkout -- ${helper}).`,
      ExitCode.Failure,
    ),

  badPullRequestNumber: (value: string, usage: string) =>
    new FleetflagsError(
      `--pr must be a pull-request number, a plain positive integer such as 42; got ${JSON.stringify(value)}\n\nusage: ${usage}`,
      ExitCode.Usage,
    ),

  unknownEnvironment: (env: string, known: readonly string[]) =>
    new FleetflagsError(
      `Unknown environment ${JSON.stringify(env)}; the environments are ${known.map((k) => JSON.stringify(k)).join(', ')} ` +
        `(one per flags/<environment>.json).`,
      ExitCode.Usage,
    ),

  terraformFailed: (command: string, cwd: string, exitCode: number | null, stderr: string) =>
    new FleetflagsError(
      `terraform ${command} failed in ${cwd} (exit ${exitCode}):\n${stderr.trim()}`,
      ExitCode.TerraformFailed,
    ),

  providerServerStart: (binary: string, reason: string, stderr: string) =>
    new FleetflagsError(
      `The AWS provider server ${binary} -debug did not start: ${reason}.${stderr.trim() ? `\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}\n` +
        'Allowed: a provider binary that prints TF_REATTACH_PROVIDERS when started with -debug. ' +
        'Fix: none needed, the run goes on with Terraform launching its own provider; FLEETFLAGS_PROVIDER_POOL=0 turns the pool off.',
      ExitCode.TerraformFailed,
    ),

  /** A file for a provider server's working directory named by anything but a plain file name (an internal guard). */
  providerServerFileName: (name: string) =>
    new FleetflagsError(
      `A file for the AWS provider server's working directory has a name that is not a plain file name: ${JSON.stringify(name)}. ` +
        'Allowed: one non-empty path segment, not starting with "." (the emulator profile, aws-emulator.config). ' +
        'Fix: this is an internal guard: provider eligibility (lib/terraform/provider-eligibility.ts) never produces such a name, ' +
        'so report it as a bug in the caller that passed the file to ProviderServer.start.',
      ExitCode.TerraformFailed,
    ),

  /** One line on stderr, once per process: the pool's first failed start (the runs go on plain). */
  providerPoolFallback: (message: string) =>
    `warning: provider pool: ${message.split('\n')[0].trim()} Terraform runs go on launching their own providers (slower); ` +
    'this process starts no more servers for that configuration. Fix: see the reason above; FLEETFLAGS_PROVIDER_POOL=0 turns the pool off.',

  /** One line on stderr: a provider server's schema cache (its proxy) did not start; the server runs without it. */
  providerSchemaCacheFallback: (message: string) =>
    `warning: provider schema cache: it could not start (${message.split('\n')[0].trim()}); this provider server runs without it ` +
    '(each Terraform run gets the whole schema from the provider: slower, the same plans). ' +
    'Fix: see the reason above; FLEETFLAGS_PROVIDER_SCHEMA_CACHE=0 starts servers without it.',

  pooledProviderDied: (command: string, cwd: string, terraformMessage: string, providerStderr: string) =>
    new FleetflagsError(
      `terraform ${command} in ${cwd} failed, and the pooled AWS provider server it was attached to had exited (not retried: ${command} changes infrastructure).\n` +
        `${terraformMessage.trim()}${providerStderr.trim() ? `\nprovider: ${providerStderr.trim().split('\n').slice(-5).join('\n')}` : ''}\n` +
        'Fix: run it again (the state records what was applied; a deploy plans afresh); FLEETFLAGS_PROVIDER_POOL=0 runs Terraform with its own providers.',
      ExitCode.TerraformFailed,
    ),

  terraformDisabled: (command: string, variable: string) =>
    new FleetflagsError(
      `terraform ${command} refused: ${variable}=1 (npm run test:quick runs no Terraform). ` +
        'Fix: tag the suite that got here with `@terraform` in its leading doc comment (test/quick-filter.js), or run npm test.',
      ExitCode.Failure,
    ),

  /** A stack directory's provider names a shared config file (the emulator profile) that is not there. */
  stackSharedConfigFileMissing: (dir: string, file: string) =>
    new FleetflagsError(
      `The stack directory ${dir} has no ${file}, which its aws provider names (shared_config_files, relative to the stack directory: ` +
        `the emulator profile, written next to cdk.tf.json at synthesis); Terraform would fail with "failed to get shared config profile". ` +
        'Allowed: a stack directory as synthesis wrote it, with every file its provider names. ' +
        'Fix: synthesize again (npx cdktf synth or npm run synth) and run Terraform in the synthesized stack directory; ' +
        `a copy of cdk.tf.json elsewhere needs ${file} copied next to it.`,
      ExitCode.TerraformFailed,
    ),

  terraformNotFound: () =>
    new FleetflagsError(
      'terraform is not on the PATH. Install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install).',
      ExitCode.Failure,
    ),

  providerMirrorMissing: (dir: string, variable: string) =>
    new FleetflagsError(
      `${variable} is set to ${JSON.stringify(dir)}, which has no registry.terraform.io directory. ` +
        `Point it at the directory that contains registry.terraform.io/, or unset it to use the public registry.`,
      ExitCode.Usage,
    ),
};
