/**
 * Deploy simulation, for offline environments (the sandbox, `aws.offline: true`).
 *
 * There is no AWS account behind such an environment, so a "deploy" cannot apply
 * anything. Instead it records what would now be deployed, and every later plan
 * of the environment is a speculative plan against that record:
 *
 *   .fleetflags/deployed/<env>/<stack>.tf.json   the stack configuration "applied"
 *   .fleetflags/deployed/<env>/<stack>.plan.json the plan that was "applied" (its result)
 *   .fleetflags/deployed/<env>/deploy.json       the last deploy: commit, time, flags file
 *   .fleetflags/deployed/<env>/history.jsonl     every simulated deploy, one JSON per line
 *
 * `.fleetflags/` is gitignored; FLEETFLAGS_STATE_DIR moves it. Deleting
 * `.fleetflags/deployed/<env>/` makes the next plan create everything again, as for
 * an environment never deployed.
 *
 * Everything a simulated deploy writes or prints says "simulation": the record
 * (`simulated: true`, `mode: "simulation"`), the GitHub Deployment ("[simulated]")
 * and the log.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ArtifactStore } from './artifact-store';
import { deployNotFrozen, SDK_KEY_VARIABLE, type DeployNotFrozenOptions } from './guards/deploy-not-frozen';
import { artifactsPublished } from './guards/artifacts-published';
import { catchUpNotExpired } from './guards/catch-up-not-expired';
import { statefulChangesAllowed, type StatefulChangesAllowedOptions } from './guards/stateful-changes-allowed';
import { changeSizeWithinLimits } from './guards/change-size';
import { errorBudget } from './guards/error-budget';
import { pass, warn, type Guard } from './guards/guard';
import { defaultBaselineCache } from '../plan/plan-run';
import { canonical, speculativePlan, type StackJson } from '../plan/speculative';
import type { DeployApplier, DeployPlanner, PlannedStack } from './deploy';

/** Where fleetflags keeps local state (simulated deploys, caches). */
export function stateDir(repoDir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(repoDir, env.FLEETFLAGS_STATE_DIR || '.fleetflags');
}

/**
 * Cache of speculative baselines, keyed by a hash of the configuration and the
 * providers (lib/plan/speculative.ts), so safe to share between clones: the same one
 * `npm run plan` uses (next to the plugin cache). FLEETFLAGS_BASELINE_CACHE moves it.
 */
export function baselineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETFLAGS_BASELINE_CACHE ? path.resolve(env.FLEETFLAGS_BASELINE_CACHE) : defaultBaselineCache();
}

/** The label every simulated deploy carries, in the record and the log. */
export const SIMULATION_LABEL =
  'SIMULATION: offline environment; nothing is applied to AWS: a deploy records the planned configuration as the new baseline';

/**
 * The plan of a stack whose configuration is identical to the recorded one: no
 * changes, by the rule that an unchanged configuration plans to zero changes
 * (test/lib/plan/speculative.test.ts), without running Terraform.
 */
export function unchangedPlan(stack: string): Record<string, unknown> {
  return {
    format_version: '1.2',
    resource_changes: [],
    fleetflags: {
      speculative: true,
      baseline: 'base',
      baselineRounds: 0,
      preventDestroy: [],
      unchanged: true,
      note: `${stack}: the configuration is identical to the recorded one; no changes (not planned)`,
    },
  };
}

/** The last simulated deploy of an environment (deploy.json). */
export interface SimulatedDeploy {
  readonly format: 'fleetflags.simulated-deploy/1';
  readonly environment: string;
  readonly commit: string;
  readonly deployedAt: string;
  /** The flags file as deployed (parsed JSON). */
  readonly flags: unknown;
  readonly stacks: readonly string[];
  readonly simulated: true;
}

/** One line of history.jsonl. */
export interface SimulatedHistoryEntry {
  readonly environment: string;
  readonly commit: string;
  readonly pr?: number;
  readonly actor: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly flagsChanged: readonly string[];
  readonly simulated: true;
  /** Guards that did not pass (warn or block), for the on-call handoff. @default none recorded */
  readonly guards?: readonly { readonly guard: string; readonly outcome: string; readonly message: string }[];
  /** Guard refusals let through by a commit trailer. @default none */
  readonly overrides?: readonly { readonly guard: string; readonly trailer: string; readonly value: string; readonly commit: string }[];
  /** Why the deploy did not succeed. */
  readonly error?: string;
}

/** The recorded baselines of simulated deploys. */
export class DeployedStore {
  constructor(readonly root: string) {}

  static forRepo(repoDir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): DeployedStore {
    return new DeployedStore(path.join(stateDir(repoDir, env), 'deployed'));
  }

  dir(environment: string): string {
    return path.join(this.root, environment);
  }

  /** The configuration of `stack` as last deployed, or undefined when never deployed. */
  config(environment: string, stack: string): StackJson | undefined {
    const file = path.join(this.dir(environment), `${stack}.tf.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackJson) : undefined;
  }

  /** Records `config` (and the plan that led to it) as the deployed configuration of `stack`. */
  recordStack(environment: string, stack: string, config: StackJson, plan: unknown): void {
    writeAtomic(path.join(this.dir(environment), `${stack}.tf.json`), `${JSON.stringify(config, null, 2)}\n`);
    writeAtomic(path.join(this.dir(environment), `${stack}.plan.json`), JSON.stringify(plan));
  }

  /** The stacks recorded for `environment`. */
  stacks(environment: string): string[] {
    const dir = this.dir(environment);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.tf.json'))
      .map((f) => f.replace(/\.tf\.json$/, ''))
      .sort();
  }

  lastDeploy(environment: string): SimulatedDeploy | undefined {
    const file = path.join(this.dir(environment), 'deploy.json');
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as SimulatedDeploy;
    } catch {
      return undefined;
    }
  }

  recordDeploy(deploy: Omit<SimulatedDeploy, 'format' | 'simulated'>): void {
    const full: SimulatedDeploy = { format: 'fleetflags.simulated-deploy/1', ...deploy, simulated: true };
    writeAtomic(path.join(this.dir(deploy.environment), 'deploy.json'), `${JSON.stringify(full, null, 2)}\n`);
  }

  appendHistory(entry: SimulatedHistoryEntry): void {
    mkdirSync(this.dir(entry.environment), { recursive: true });
    appendFileSync(path.join(this.dir(entry.environment), 'history.jsonl'), `${JSON.stringify(entry)}\n`);
  }

  /** Simulated deploys of `environment`, newest first. */
  history(environment: string): SimulatedHistoryEntry[] {
    const file = path.join(this.dir(environment), 'history.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as SimulatedHistoryEntry)
      .reverse();
  }

  /** Forgets every deploy of `environment`. */
  reset(environment: string): void {
    rmSync(this.dir(environment), { recursive: true, force: true });
  }
}

export interface SimulationPlannerOptions {
  readonly environment: string;
  /** The head configuration of each stack of the environment (synthesized). */
  readonly stacks: ReadonlyMap<string, StackJson>;
  readonly store: DeployedStore;
  /** Where the speculative plans run (created). */
  readonly workdir: string;
  /** Cache of baselines. @default none */
  readonly cacheDir?: string;
  /**
   * Run Terraform for stacks whose configuration equals the recorded one, too
   * (otherwise they are "no changes" without a plan). @default false
   */
  readonly planUnchanged?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Plans each stack speculatively against its recorded baseline (against nothing
 * when the environment was never deployed: everything is created).
 */
export function simulationPlanner(options: SimulationPlannerOptions): DeployPlanner {
  return {
    mode: 'simulation',
    plan: async () => {
      const planned: PlannedStack[] = [];
      for (const [stack, head] of options.stacks) {
        const base = options.store.config(options.environment, stack);
        if (base && !options.planUnchanged && canonical(base) === canonical(head)) {
          options.log?.(`plan ${stack}: unchanged since the last simulated deploy; no changes (not planned)`);
          planned.push({ stack, plan: unchangedPlan(stack), config: head });
          continue;
        }
        options.log?.(
          `plan ${stack}: speculative, against ${base ? `the configuration recorded by the last simulated deploy (${path.relative(process.cwd(), options.store.dir(options.environment)) || '.'})` : 'nothing (never deployed: every resource is created)'}`,
        );
        const plan = await speculativePlan({
          base,
          head,
          workdir: path.join(options.workdir, stack),
          stackName: stack,
          cacheDir: options.cacheDir,
        });
        planned.push({ stack, plan, config: head });
      }
      return planned;
    },
  };
}

/** "Applies" a stack by recording its configuration and plan as the new baseline. */
export function simulationApplier(environment: string, store: DeployedStore): DeployApplier {
  return {
    apply: async (stack) => {
      if (!stack.config) throw new Error(`simulation: no configuration to record for ${stack.stack}`);
      store.recordStack(environment, stack.stack, stack.config, stack.plan);
    },
  };
}

/**
 * The artifacts bucket of an offline environment: a local directory,
 * `<dir>/<bucket>/<key>`. Lets the sandbox exercise the artifacts guard (a
 * zero-byte build is refused) with no S3.
 */
export function directoryArtifactStore(dir: string): ArtifactStore {
  const file = (bucket: string, key: string) => path.join(dir, bucket, ...key.split('/'));
  return {
    size: async (bucket, key) => {
      const f = file(bucket, key);
      return existsSync(f) ? statSync(f).size : undefined;
    },
    readText: async (bucket, key) => {
      const f = file(bucket, key);
      return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
    },
    sha256: async (bucket, key) => createHash('sha256').update(readFileSync(file(bucket, key))).digest('hex'),
  };
}

export interface SimulationGuardOptions {
  /** Local artifacts directory (see directoryArtifactStore); none: the artifacts guard warns that it did not check. */
  readonly artifactsDir?: string;
  readonly freeze?: DeployNotFrozenOptions;
  readonly stateful?: StatefulChangesAllowedOptions;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The guard pack of a simulated deploy: the same guards, with what an offline
 * environment cannot reach replaced, visibly:
 * - DeployNotFrozen: evaluated in LaunchDarkly when LAUNCHDARKLY_SDK_KEY is set; without
 *   it, an offline environment (which has no `deploy` section to set a policy in)
 *   proceeds, and the result says so.
 * - ArtifactsPublished: checks a local directory (`--artifacts-dir`); without one it
 *   warns that nothing was checked.
 * - StatefulChangesAllowed and CatchUpNotExpired: unchanged.
 */
export function simulationGuards(options: SimulationGuardOptions = {}): Guard[] {
  const env = options.env ?? process.env;
  const realFreeze = deployNotFrozen(options.freeze);
  const freeze: Guard =
    options.freeze?.sdkKey || env[SDK_KEY_VARIABLE]
      ? realFreeze
      : {
          id: realFreeze.id,
          description: realFreeze.description,
          run: async ({ environment }) =>
            pass(
              realFreeze.id,
              `LaunchDarkly not configured (${SDK_KEY_VARIABLE} is not set); the unreachable-policy of a simulated deploy applies: ` +
                `proceed (${environment} is offline and has no deploy section)`,
              { state: 'not configured', policy: 'proceed', policySource: 'simulation: offline environments proceed without LaunchDarkly' },
            ),
        };
  const artifactsDir = options.artifactsDir;
  const artifacts: Guard = artifactsDir
    ? artifactsPublished({ createStore: () => directoryArtifactStore(artifactsDir) })
    : {
        id: 'ArtifactsPublished',
        description: 'Every pinned build exists in the artifacts bucket, is non-empty, and matches its published SHA-256.',
        run: async () =>
          warn(
            'ArtifactsPublished',
            'not checked: a simulated deploy has no artifacts bucket; pass --artifacts-dir <dir> (<dir>/<bucket>/builds/<build>/...) to check local artifacts',
            { checked: false },
          ),
      };
  return [freeze, statefulChangesAllowed(options.stateful), catchUpNotExpired(), artifacts, errorBudget({ env }), changeSizeWithinLimits()];
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
