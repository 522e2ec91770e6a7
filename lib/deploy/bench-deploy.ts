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
 *
 * Next to wall time, the CPU time of everything each step started (user + system of
 * the finished child processes: the script and its Terraform, or the bare Terraform),
 * which the load of a shared machine barely moves, and for the one-flag deploy its
 * phases and Terraform processes from its deploy record.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorEndpoint, freePort, startEmulator, stopEmulator } from '../emulator/emulator';
import { copyProject, editProjectFlags } from '../temp-project';
import { EMULATOR_CONFIG_FILE } from '../terraform/emulator-profile';
import { PROVIDER_POOL_ENV } from '../terraform/provider-eligibility';
import { terraform } from '../terraform/runner';
import type { DeployRunRecord } from './run-record';
import type { PhaseTiming } from './phases';

/** The issue's goals: seconds for a first deploy and a one-flag deploy, and the overhead ratio. */
export const DEPLOY_GOALS = { firstDeploySeconds: 30, oneFlagSeconds: 10, overheadRatio: 1.3 } as const;

const SANDBOX = 'sandbox';
const STACKS = [`${SANDBOX}-data`, `${SANDBOX}-fleet`] as const;

export interface DeployStepFigure {
  /** `npm run sandbox` / `npm run deploy`, wall time. */
  readonly oursMs: number;
  /** Bare `terraform apply` of the same stacks, wall time. */
  readonly bareMs: number;
  /** CPU (user + system) of everything `oursMs` ran: the script and its Terraform. @default not measured (no /proc) */
  readonly oursCpuMs?: number;
  /** CPU of the bare Terraform. @default not measured */
  readonly bareCpuMs?: number;
  /** The machine's 1-minute load average when each step started and ended (the wall times move with it). @default not recorded */
  readonly load?: { readonly ours: LoadSpan; readonly bare: LoadSpan };
}

/** The 1-minute load average at a step's start and end. */
export interface LoadSpan {
  readonly start: number;
  readonly end: number;
}

export interface BenchDeployResult {
  readonly firstDeploy: DeployStepFigure;
  /** The one-flag deploy against a bare apply of the changed stack alone. */
  readonly oneFlag: DeployStepFigure;
  /** The same deploy against bare applies of both sandbox stacks at once (as `cdktf deploy` of both runs them). @default not measured */
  readonly oneFlagBothStacks?: DeployStepFigure;
  /** The one-flag deploy's phases and Terraform processes, from its deploy record. */
  readonly oneFlagPhases?: readonly PhaseTiming[];
  readonly oneFlagTerraformProcesses?: Readonly<Record<string, number>>;
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
    let bareFirst: Timed = { ms: 0 };
    let bareFlag: Timed = { ms: 0 };
    let bareFlagBoth: Timed = { ms: 0 };
    try {
      const dirs = STACKS.map((stack) => path.join(root, 'bare', stack));
      for (const [i, stack] of STACKS.entries()) await initBare(dirs[i], before.get(stack)!);
      bareFirst = await timed(async () => {
        for (const dir of dirs) await applyBare(dir);
      });
      // The one-flag change, bare, two ways: both stacks at once (what `cdktf deploy sandbox-data sandbox-fleet`
      // does: its stacks are independent, so it runs them concurrently; our deploy also plans both), then,
      // after putting the fleet back, the changed stack alone (the tighter baseline).
      writeBare(dirs[1], after.get(STACKS[1])!);
      bareFlagBoth = await timed(() => Promise.all(dirs.map((dir) => applyBare(dir))).then(() => undefined));
      writeBare(dirs[1], before.get(STACKS[1])!);
      await applyBare(dirs[1]);
      writeBare(dirs[1], after.get(STACKS[1])!);
      bareFlag = await timed(() => applyBare(dirs[1]));
    } finally {
      await stopEmulator(bareStateDir);
    }

    log('bench deploy: npm run sandbox against an empty emulator');
    await startEmulator({ stateDir, port });
    let oursFirst: Timed = { ms: 0 };
    let oursFlag: Timed = { ms: 0 };
    let record: DeployRunRecord | undefined;
    try {
      oursFirst = await timed(() => runScript(project, 'scripts/sandbox.ts', []));
      editProjectFlags(project, SANDBOX, spotChange);
      git('commit', '-q', '-am', 'sandbox: spot ratio');
      log('bench deploy: one flag, npm run deploy -- --env sandbox');
      oursFlag = await timed(() => runScript(project, 'scripts/deploy.ts', ['--env', SANDBOX]));
      const recordFile = path.join(project, 'out', 'deploy', `${SANDBOX}.json`);
      if (existsSync(recordFile)) record = JSON.parse(readFileSync(recordFile, 'utf8')) as DeployRunRecord;
    } finally {
      await stopEmulator(stateDir);
    }
    const figure = (ours: Timed, bare: Timed): DeployStepFigure => ({
      oursMs: ours.ms,
      bareMs: bare.ms,
      ...(ours.cpuMs !== undefined ? { oursCpuMs: ours.cpuMs } : {}),
      ...(bare.cpuMs !== undefined ? { bareCpuMs: bare.cpuMs } : {}),
      ...(ours.load && bare.load ? { load: { ours: ours.load, bare: bare.load } } : {}),
    });
    return {
      firstDeploy: figure(oursFirst, bareFirst),
      oneFlag: figure(oursFlag, bareFlag),
      oneFlagBothStacks: figure(oursFlag, bareFlagBoth),
      ...(record?.phases ? { oneFlagPhases: record.phases } : {}),
      ...(record?.terraformProcesses ? { oneFlagTerraformProcesses: record.terraformProcesses } : {}),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatDeployTable(r: BenchDeployResult): string {
  const cpu = (f: DeployStepFigure) =>
    f.oursCpuMs !== undefined && f.bareCpuMs !== undefined ? `${seconds(f.oursCpuMs)} / ${seconds(f.bareCpuMs)} (${(f.oursCpuMs / f.bareCpuMs).toFixed(2)}x)` : 'not measured';
  const row = (what: string, ours: string, f: DeployStepFigure, goalSeconds: number) =>
    `| ${what} | ${seconds(f.oursMs)} (goal ${goalSeconds} s) | ${seconds(f.bareMs)} | ${(f.oursMs / f.bareMs).toFixed(2)}x (goal ${DEPLOY_GOALS.overheadRatio}x) | ${cpu(f)} | ${ours} |`;
  const lines = [
    '| step | fleetflags | bare terraform apply, same stacks | ratio | CPU, fleetflags / bare | command |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    row('first deploy, both sandbox stacks, empty emulator', '`npm run sandbox`', r.firstDeploy, DEPLOY_GOALS.firstDeploySeconds),
    row('one flag (spot ratio), end to end; bare: the changed stack alone', '`npm run deploy -- --env sandbox`', r.oneFlag, DEPLOY_GOALS.oneFlagSeconds),
    ...(r.oneFlagBothStacks
      ? [row('one flag, the same run; bare: both stacks at once, as `cdktf deploy sandbox-data sandbox-fleet`', '`npm run deploy -- --env sandbox`', r.oneFlagBothStacks, DEPLOY_GOALS.oneFlagSeconds)]
      : []),
  ];
  if (r.oneFlagPhases) {
    lines.push('', `one flag, phases (wall; the stacks' phases overlap): ${r.oneFlagPhases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s`).join(', ')}`);
  }
  const loads = (f: DeployStepFigure) => (f.load ? `bare ${span(f.load.bare)}, fleetflags ${span(f.load.ours)}` : undefined);
  if (loads(r.firstDeploy) || loads(r.oneFlag)) {
    if (!r.oneFlagPhases) lines.push('');
    lines.push(
      `load average (1 minute) at each step's start → end: first deploy: ${loads(r.firstDeploy) ?? 'not recorded'}; one flag: ${loads(r.oneFlag) ?? 'not recorded'}`,
    );
  }
  if (r.oneFlagTerraformProcesses) {
    const entries = Object.entries(r.oneFlagTerraformProcesses);
    lines.push(`one flag, Terraform processes: ${entries.reduce((n, [, c]) => n + c, 0)} (${entries.map(([c, n]) => `${c} ${n}`).join(', ')}); the bare apply: 1`);
  }
  return lines.join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const span = (l: LoadSpan) => `${l.start.toFixed(1)} → ${l.end.toFixed(1)}`;

interface Timed {
  readonly ms: number;
  /** CPU of the child processes that finished meanwhile. */
  readonly cpuMs?: number;
  readonly load?: LoadSpan;
}

async function timed(work: () => Promise<unknown>): Promise<Timed> {
  const started = performance.now();
  const loadStart = os.loadavg()[0];
  const cpuBefore = childrenCpuMs();
  await work();
  const cpuAfter = childrenCpuMs();
  return {
    ms: performance.now() - started,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}),
    load: { start: loadStart, end: os.loadavg()[0] },
  };
}

/**
 * User + system CPU of this process's finished (waited-for) children and theirs, from
 * /proc/self/stat (cutime, cstime; Linux only). The emulator, a child still running,
 * is not in it.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ on Linux
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** A synthesized sandbox stack: its JSON and its directory (which also holds the emulator profile). */
interface SynthesizedStack {
  readonly json: string;
  readonly dir: string;
}

/** Runs the project's app (cdktf.json "app") into `outdir`; the sandbox stacks by name. */
function synthesizeSandbox(project: string, outdir: string): Map<string, SynthesizedStack> {
  const app = (JSON.parse(readFileSync(path.join(project, 'cdktf.json'), 'utf8')).app as string).split(' ');
  runSync(project, app, { CDKTF_OUTDIR: outdir });
  return new Map(
    STACKS.map((s) => {
      const dir = path.join(outdir, 'stacks', s);
      return [s, { json: readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'), dir }];
    }),
  );
}

/** The stack as a bare Terraform directory: its configuration (local state) and the emulator profile it names. */
function writeBare(dir: string, stack: SynthesizedStack): void {
  const config = JSON.parse(stack.json);
  delete config.terraform?.backend; // local state in the directory
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config));
  copyFileSync(path.join(stack.dir, EMULATOR_CONFIG_FILE), path.join(dir, EMULATOR_CONFIG_FILE));
}

async function initBare(dir: string, stackJson: SynthesizedStack): Promise<void> {
  writeBare(dir, stackJson);
  await terraform(['init', '-input=false', '-no-color'], { cwd: dir });
}

async function applyBare(dir: string): Promise<void> {
  // Bare: Terraform launching its own providers, as without fleetflags (no provider pool).
  await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: { [PROVIDER_POOL_ENV]: '0' } });
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
