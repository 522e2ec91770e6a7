/**
 * The deploy figures of `npm run bench` (issue 8), measured against the local AWS
 * emulator, each next to a bare `terraform apply` of the same stacks in the same run:
 *
 * - first deploy: `npm run sandbox` from an empty (running) emulator, against bare
 *   `terraform apply -auto-approve` of the data stack then the fleet stack, from an
 *   empty emulator of its own;
 * - one flag: the spot ratio changed and `npm run deploy -- --env sandbox` (synth,
 *   plan, guards, apply of the saved plan, health, record), against a bare
 *   `terraform apply -auto-approve` of the changed fleet stack.
 *
 * Both run in a temporary copy of the project (lib/temp-project.ts) with the sandbox
 * pointed at an emulator on a free port; the bare applies get the very stack JSON the
 * project synthesizes, with a local backend. `terraform init` of the bare directories
 * is not timed (a deploy's init is: it is part of what a deploy does).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorEndpoint, freePort, startEmulator, stopEmulator } from '../emulator/emulator';
import { copyProject, editProjectFlags } from '../temp-project';
import { terraform } from '../terraform/runner';

/** The issue's goals: seconds for a first deploy and a one-flag deploy, and the overhead ratio. */
export const DEPLOY_GOALS = { firstDeploySeconds: 30, oneFlagSeconds: 10, overheadRatio: 1.3 } as const;

const SANDBOX = 'sandbox';
const STACKS = [`${SANDBOX}-data`, `${SANDBOX}-fleet`] as const;

export interface DeployStepFigure {
  /** `npm run sandbox` / `npm run deploy`, wall time. */
  readonly oursMs: number;
  /** Bare `terraform apply` of the same stacks, wall time. */
  readonly bareMs: number;
}

export interface BenchDeployResult {
  readonly firstDeploy: DeployStepFigure;
  readonly oneFlag: DeployStepFigure;
}

export interface BenchDeployOptions {
  readonly log?: (line: string) => void;
}

/** Both figures, one run each (a first deploy takes minutes). */
export async function benchDeploy(options: BenchDeployOptions = {}): Promise<BenchDeployResult> {
  const log = options.log ?? (() => undefined);
  const root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-bench-deploy-'));
  const project = path.join(root, 'project');
  const git = copyProject(project);
  const port = await freePort();
  const endpoint = emulatorEndpoint(port);
  const stateDir = path.join(project, '.fleetflags');
  const bareStateDir = path.join(root, 'bare-emulator');
  const spotChange = (f: { ingest: { spot: { onDemandPercentageAboveBaseCapacity: number } } }) => {
    const current = f.ingest.spot.onDemandPercentageAboveBaseCapacity;
    f.ingest.spot.onDemandPercentageAboveBaseCapacity = current >= 50 ? current - 25 : current + 25;
  };
  try {
    editProjectFlags(project, SANDBOX, (f) => (f.aws.endpoint = endpoint));
    git('commit', '-q', '-am', 'sandbox: the bench emulator');

    // The stack JSON the project synthesizes, before and after the flag change, for the bare applies.
    const before = synthesizeSandbox(project, path.join(root, 'synth-before'));
    editProjectFlags(project, SANDBOX, spotChange);
    const after = synthesizeSandbox(project, path.join(root, 'synth-after'));
    git('checkout', '-q', '--', 'flags');

    log(`bench deploy: bare terraform apply of ${STACKS.join(' and ')} against an empty emulator`);
    await startEmulator({ stateDir: bareStateDir, port });
    let bareFirst = 0;
    let bareFlag = 0;
    try {
      const dirs = STACKS.map((stack) => path.join(root, 'bare', stack));
      for (const [i, stack] of STACKS.entries()) await initBare(dirs[i], before.get(stack)!);
      bareFirst = await timed(async () => {
        for (const dir of dirs) await applyBare(dir);
      });
      writeBare(dirs[1], after.get(STACKS[1])!);
      bareFlag = await timed(() => applyBare(dirs[1]));
    } finally {
      await stopEmulator(bareStateDir);
    }

    log('bench deploy: npm run sandbox against an empty emulator');
    await startEmulator({ stateDir, port });
    let oursFirst = 0;
    let oursFlag = 0;
    try {
      oursFirst = await timed(() => runScript(project, 'scripts/sandbox.ts', []));
      editProjectFlags(project, SANDBOX, spotChange);
      git('commit', '-q', '-am', 'sandbox: spot ratio');
      log('bench deploy: one flag, npm run deploy -- --env sandbox');
      oursFlag = await timed(() => runScript(project, 'scripts/deploy.ts', ['--env', SANDBOX]));
    } finally {
      await stopEmulator(stateDir);
    }
    return { firstDeploy: { oursMs: oursFirst, bareMs: bareFirst }, oneFlag: { oursMs: oursFlag, bareMs: bareFlag } };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatDeployTable(r: BenchDeployResult): string {
  const row = (what: string, ours: string, f: DeployStepFigure, goalSeconds: number) =>
    `| ${what} | ${seconds(f.oursMs)} (goal ${goalSeconds} s) | ${seconds(f.bareMs)} | ${(f.oursMs / f.bareMs).toFixed(2)}x (goal ${DEPLOY_GOALS.overheadRatio}x) | ${ours} |`;
  return [
    '| step | fleetflags | bare terraform apply, same stacks | ratio | command |',
    '| --- | ---: | ---: | ---: | --- |',
    row('first deploy, both sandbox stacks, empty emulator', '`npm run sandbox`', r.firstDeploy, DEPLOY_GOALS.firstDeploySeconds),
    row('one flag (spot ratio), end to end', '`npm run deploy -- --env sandbox`', r.oneFlag, DEPLOY_GOALS.oneFlagSeconds),
  ].join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Runs the project's app (cdktf.json "app") into `outdir`; the sandbox stacks' JSON by name. */
function synthesizeSandbox(project: string, outdir: string): Map<string, string> {
  const app = (JSON.parse(readFileSync(path.join(project, 'cdktf.json'), 'utf8')).app as string).split(' ');
  runSync(project, app, { CDKTF_OUTDIR: outdir });
  return new Map(STACKS.map((s) => [s, readFileSync(path.join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8')]));
}

function writeBare(dir: string, stackJson: string): void {
  const stack = JSON.parse(stackJson);
  delete stack.terraform?.backend; // local state in the directory
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(stack));
}

async function initBare(dir: string, stackJson: string): Promise<void> {
  writeBare(dir, stackJson);
  await terraform(['init', '-input=false', '-no-color'], { cwd: dir });
}

async function applyBare(dir: string): Promise<void> {
  await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir });
}

/** The env a script of the copy runs with: no tokens or keys of this machine reach it. */
function scriptEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, GITHUB_TOKEN: '', GITHUB_REPOSITORY: '', LAUNCHDARKLY_SDK_KEY: '', HONEYCOMB_API_KEY: '', FLEETFLAGS_STATE_DIR: '', ...extra };
}

function runSync(cwd: string, command: readonly string[], extra: NodeJS.ProcessEnv): void {
  const r = spawnSync(command[0], command.slice(1), { cwd, env: scriptEnv(extra), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command.join(' ')} failed (${r.status}):\n${(r.stderr || r.stdout).slice(-2000)}`);
}

function runScript(cwd: string, script: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/run.mjs', script, ...args], { cwd, env: scriptEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${script} ${args.join(' ')} failed (${err.code}):\n${`${stdout}\n${stderr}`.slice(-3000)}`)) : resolve(),
    );
  });
}
