/**
 * The local record of deploys of an emulated environment (the sandbox), where AWS
 * environments have GitHub Deployments. It lives next to the environment's Terraform
 * state, in `<state dir>/state/<env>/` (`.fleetflags/`, FLEETFLAGS_STATE_DIR):
 *
 *   deploy.json     the last successful deploy: commit, time, flags, the emulator's boot ID
 *   history.jsonl   every deploy, one JSON per line
 *   <stack>.tfstate the Terraform state (stacks/environment.ts)
 *   terraform/<stack>/ the stack's Terraform data directory (TF_DATA_DIR), kept
 *                   between deploys so init runs only when the backend or the
 *                   providers change (lib/terraform/init-cache.ts)
 *
 * The emulator forgets everything when it restarts; the boot ID recorded here tells
 * the next deploy that the state describes resources that no longer exist.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultBaselineCache } from '../plan/baseline-cache-dir';
import { stateDir } from '../state-dir';

/**
 * Cache of speculative baselines (rollback plans), keyed by a hash of the configuration
 * and the providers, so safe to share between clones. FLEETFLAGS_BASELINE_CACHE moves it.
 */
export function baselineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETFLAGS_BASELINE_CACHE ? path.resolve(env.FLEETFLAGS_BASELINE_CACHE) : defaultBaselineCache();
}

/** The plan of a stack whose configuration did not change: no changes, not planned. */
export function unchangedPlan(stack: string): Record<string, unknown> {
  return {
    format_version: '1.2',
    resource_changes: [],
    fleetflags: { speculative: true, baseline: 'base', baselineRounds: 0, preventDestroy: [], unchanged: true, note: `${stack}: the configuration is unchanged; no changes (not planned)` },
  };
}

/** deploy.json: the last successful deploy of an emulated environment. */
export interface LocalDeploy {
  readonly format: 'fleetflags.local-deploy/1';
  readonly environment: string;
  readonly commit: string;
  readonly deployedAt: string;
  /** The flags file as deployed (parsed JSON). */
  readonly flags: unknown;
  readonly stacks: readonly string[];
  /** The emulator deployed to: its endpoint and boot ID. */
  readonly endpoint?: string;
  readonly bootId?: string;
}

/** One line of history.jsonl. */
export interface LocalHistoryEntry {
  readonly environment: string;
  readonly commit: string;
  readonly pr?: number;
  readonly actor: string;
  readonly outcome: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly flagsChanged: readonly string[];
  /** Guards that did not pass (warn or block), and the freeze guard's verdict whatever it was, for the on-call handoff. @default none recorded */
  readonly guards?: readonly { readonly guard: string; readonly outcome: string; readonly message: string }[];
  /** Guard refusals let through by a commit trailer. @default none */
  readonly overrides?: readonly { readonly guard: string; readonly trailer: string; readonly value: string; readonly commit: string }[];
  /** The audited break-glass override the deploy carried. @default none */
  readonly breakGlass?: { readonly reason: string; readonly source: string; readonly actor?: string };
  /** Why the deploy did not succeed. */
  readonly error?: string;
}

export class DeployedStore {
  constructor(readonly root: string) {}

  static forRepo(repoDir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): DeployedStore {
    return new DeployedStore(path.join(stateDir(repoDir, env), 'state'));
  }

  dir(environment: string): string {
    return path.join(this.root, environment);
  }

  lastDeploy(environment: string): LocalDeploy | undefined {
    const file = path.join(this.dir(environment), 'deploy.json');
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as LocalDeploy;
    } catch {
      return undefined;
    }
  }

  recordDeploy(deploy: Omit<LocalDeploy, 'format'>): void {
    writeAtomic(path.join(this.dir(deploy.environment), 'deploy.json'), `${JSON.stringify({ format: 'fleetflags.local-deploy/1', ...deploy }, null, 2)}\n`);
  }

  appendHistory(entry: LocalHistoryEntry): void {
    mkdirSync(this.dir(entry.environment), { recursive: true });
    appendFileSync(path.join(this.dir(entry.environment), 'history.jsonl'), `${JSON.stringify(entry)}\n`);
  }

  /**
   * Deploys of `environment`, newest first. A line that is not JSON (an append cut
   * short by a crash) is left out, so one torn line never hides the rest of the
   * history from `npm run history` and the handoff.
   */
  history(environment: string): LocalHistoryEntry[] {
    const file = path.join(this.dir(environment), 'history.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LocalHistoryEntry];
        } catch {
          return [];
        }
      })
      .reverse();
  }

  /**
   * The persistent TF_DATA_DIR of a stack of `environment` (lib/terraform/init-cache.ts).
   * `npm run drift` has its own (`terraform/drift/<stack>`): it synthesizes elsewhere, so a
   * local backend's relative path differs, and sharing one directory would init on every
   * switch between a deploy and a drift check. Both are under `terraform/`, which
   * startOver deletes.
   */
  terraformDataDir(environment: string, stack: string, use: 'deploy' | 'drift' = 'deploy'): string {
    return use === 'drift' ? path.join(this.dir(environment), 'terraform', 'drift', stack) : path.join(this.dir(environment), 'terraform', stack);
  }

  /** The Terraform state files of `environment`. */
  stateFiles(environment: string): string[] {
    const dir = this.dir(environment);
    return existsSync(dir) ? readdirSync(dir).filter((f) => /\.tfstate(\.backup)?$/.test(f)).map((f) => path.join(dir, f)) : [];
  }

  /**
   * Starts the environment over: forgets its state, its last deploy and its Terraform
   * data directories, so the next deploy inits again (the history stays). For an
   * emulator that restarted, whose resources are gone.
   */
  startOver(environment: string): void {
    for (const f of this.stateFiles(environment)) rmSync(f, { force: true });
    rmSync(path.join(this.dir(environment), 'terraform'), { recursive: true, force: true });
    rmSync(path.join(this.dir(environment), 'deploy.json'), { force: true });
  }
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
