/**
 * npm run bench [-- --runs N] [--render-only | --deploy-only] [--no-plan] [--no-deploy] [--no-tests]: synthesis cost, measured side by side in one run.
 * - "one-bucket": a one-bucket cdktf app run by plain node (bench/one-bucket.js);
 * - "fleetflags": our app command (cdktf.json "app"), which validates every flags
 *   file and synthesizes every stack of every environment in one process.
 * Each is run N times, alternating; the table gives medians of wall time and peak
 * resident memory. Targets: fleetflags within 2x the one-bucket app's wall time and
 * under 250 MB peak.
 *
 * Then the render figure (alone: --render-only): the PR comment of a real plan of
 * 5,000 changes, median of 5 renders (target: under a second, within 65,536 characters).
 *
 * Then the plan figure (skip with --no-plan): `npm run plan` over every stack of every
 * environment in speculative mode, next to bare `terraform plan`s of the same stacks
 * run at the same concurrency, cold (every baseline built: 2-3 fold rounds, one plan each per provider configuration) and
 * warm (the baselines cached, as on a laptop or a CI runner that keeps ~/.cache/fleetflags).
 *
 * Then the deploy figures (alone: --deploy-only; skip with --no-deploy): the first
 * deploy of the sandbox and a one-flag deploy against the local AWS emulator, each next
 * to bare `terraform apply` of the same stacks in the same run (lib/deploy/bench-deploy.ts).
 *
 * Then the test-suite figures (skip with --no-tests): `npm run test:quick` (the unit
 * suites: no Terraform, no emulator), `npm test` (every jest suite but the sandbox
 * lifecycle, the type check among them), then `npm run test:sandbox` (the lifecycle
 * alone, against the AWS emulator), each one's wall time and CPU time (user + system of
 * every process it ran, Linux), each against its budget (TEST_BUDGET_SECONDS) on the
 * 2-core build machine, idle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDeploy, formatDeployTable } from '../lib/deploy/bench-deploy';
import { benchPlan, type BenchPlanResult } from '../lib/plan/bench-plan';
import { benchRender, type BenchRenderResult } from '../lib/plan/bench-render';

export interface Sample {
  readonly wallMs: number;
  readonly peakRssMb: number;
}

export interface BenchRow {
  readonly name: string;
  readonly medianWallMs: number;
  readonly medianPeakRssMb: number;
  readonly samples: readonly Sample[];
}

export const PEAK_RSS_TARGET_MB = 250;
export const WALL_RATIO_TARGET = 2;
/** The test commands the bench times, in the order it runs them. */
export const TEST_COMMANDS = ['test:quick', 'test', 'test:sandbox'] as const;
export type TestCommand = (typeof TEST_COMMANDS)[number];

/** Each test command's wall-time budget on the 2-core build machine, idle (issue 10): the edit loop's 20 s, and 120 s each for the others. */
export const TEST_BUDGET_SECONDS: Readonly<Record<TestCommand, number>> = { 'test:quick': 20, test: 120, 'test:sandbox': 120 };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs one command in a fresh output directory; returns its wall time and peak RSS. */
export function measure(command: readonly string[], cwd: string): Sample {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const rssFile = path.join(tmp, 'rss');
    const [node, ...args] = command;
    const start = process.hrtime.bigint();
    const result = spawnSync(node, ['--require', path.resolve('bench/report-peak-rss.cjs'), ...args], {
      cwd,
      env: { ...process.env, CDKTF_OUTDIR: path.join(tmp, 'out'), BENCH_RSS_FILE: rssFile },
      encoding: 'utf8',
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${command.join(' ')} failed (${result.status}):\n${result.stderr}`);
    const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
    return { wallMs, peakRssMb };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function appCommand(): string[] {
  return (JSON.parse(readFileSync('cdktf.json', 'utf8')).app as string).split(' ');
}

export function benchSynth(runs: number): BenchRow[] {
  const commands: Record<string, string[]> = {
    'one-bucket cdktf app (plain node)': ['node', 'bench/one-bucket.js'],
    'fleetflags: all stacks, all environments': appCommand(),
  };
  // One warm-up each (disk cache, esbuild's first build), then alternate.
  for (const command of Object.values(commands)) measure(command, process.cwd());
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, command] of Object.entries(commands)) samples[name].push(measure(command, process.cwd()));
  }
  return Object.entries(samples).map(([name, s]) => ({
    name,
    medianWallMs: median(s.map((x) => x.wallMs)),
    medianPeakRssMb: median(s.map((x) => x.peakRssMb)),
    samples: s,
  }));
}

export function formatTable(rows: readonly BenchRow[]): string {
  const lines = ['| what | median wall time | median peak memory |', '| --- | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.medianWallMs.toFixed(0)} ms | ${r.medianPeakRssMb.toFixed(0)} MB |`);
  return lines.join('\n');
}

export async function main(args: readonly string[]): Promise<number> {
  const runsArg = args.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
  if (args.includes('--render-only')) {
    console.log(formatRender(benchRender({ runs })));
    return 0;
  }
  if (args.includes('--deploy-only')) {
    await printDeploy();
    return 0;
  }
  console.log(`Synthesis, ${runs} runs each after a warm-up, ${os.cpus().length} CPUs, node ${process.version}:\n`);
  const rows = benchSynth(runs);
  console.log(formatTable(rows));
  const [reference, ours] = rows;
  const ratio = ours.medianWallMs / reference.medianWallMs;
  console.log(`\nratio fleetflags / one-bucket: ${ratio.toFixed(2)}x (target <= ${WALL_RATIO_TARGET}x)`);
  console.log(`peak memory: ${ours.medianPeakRssMb.toFixed(0)} MB (target < ${PEAK_RSS_TARGET_MB} MB)`);
  console.log(`\n${formatRender(benchRender({ runs }))}`);
  if (!args.includes('--no-plan')) {
    console.log('\nPlan, speculative, every stack of every environment (concurrency 2):\n');
    const cold = await benchPlan({ cache: false });
    await benchPlan({ cache: true }); // fills the baseline cache
    const warm = await benchPlan({ cache: true });
    console.log(formatPlanTable([['cold (no baseline cache)', cold], ['warm (baselines cached)', warm]]));
  }
  if (!args.includes('--no-deploy')) await printDeploy();
  if (!args.includes('--no-tests')) {
    console.log(
      '\nTest suites: npm run test:quick (the unit suites, no Terraform, no emulator), npm test (every jest suite but the sandbox lifecycle, ' +
        'the type check and real Terraform included), then npm run test:sandbox (the lifecycle on the emulator):\n',
    );
    console.log(formatTestSuites(TEST_COMMANDS.map((command) => benchTestSuite(command)), reference.medianWallMs));
  }
  return 0;
}

async function printDeploy(): Promise<void> {
  console.log('\nDeploy, the sandbox on the local AWS emulator, next to bare terraform apply of the same stacks:\n');
  console.log(formatDeployTable(await benchDeploy({ log: (line) => console.error(line) })));
}

export function formatRender(r: BenchRenderResult): string {
  return (
    `PR comment of a real plan of ${r.changes.toLocaleString('en-US')} changes (median of ${r.runs}): ` +
    `render ${r.renderMs} ms (max ${r.maxRenderMs} ms; target < 1000 ms), read and validate the plan ${r.readMs} ms, ` +
    `${r.chars.toLocaleString('en-US')} characters (limit 65,536)`
  );
}

export interface TestSuiteResult {
  readonly command: TestCommand;
  readonly wallMs: number;
  /** User + system CPU of the command and every process it waited for; undefined off Linux. */
  readonly cpuMs?: number;
  readonly passed: number;
  readonly failed: number;
  readonly suites: number;
  /** Why there are no results (the command failed before jest wrote any: tsc, a missing emulator). */
  readonly error?: string;
}

/** CPU time of this process's waited-for children so far (Linux /proc), in ms. */
function childrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // cutime and cstime, in clock ticks (100 per second on Linux).
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** The npm arguments that run a test command with jest's JSON results in `results`. */
export function testCommandArgs(command: TestCommand, results: string): string[] {
  const jest = ['--', '--json', `--outputFile=${results}`];
  return command === 'test' ? ['test', ...jest] : ['run', command, ...jest];
}

/** Runs one test command once (`npm test`: jest, the type check one of its suites; with its JSON results) and measures it. */
export function benchTestSuite(command: TestCommand = 'test'): TestSuiteResult {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-tests-'));
  try {
    const results = path.join(tmp, 'jest.json');
    const cpu0 = childrenCpuMs();
    const start = process.hrtime.bigint();
    const run = spawnSync('npm', testCommandArgs(command, results), { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const cpu1 = childrenCpuMs();
    const cpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
    const json = existsSync(results) ? (JSON.parse(readFileSync(results, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTestSuites: number }) : undefined;
    if (!json) {
      const last = run.stderr.trim().split('\n').slice(-3).join(' / ');
      return { command, wallMs, cpuMs, passed: 0, failed: 0, suites: 0, error: `exit ${run.status}, no results: ${last}` };
    }
    return { command, wallMs, cpuMs, passed: json.numPassedTests, failed: json.numFailedTests, suites: json.numTotalTestSuites };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The table of the test commands' figures, and each one's wall time against its budget. With `referenceMs` (the
 * one-bucket app's median synthesis in the same run), each wall time also as a multiple of it: the budget is
 * in seconds on one machine, and the multiple is what compares a tree across machines of different speed.
 */
export function formatTestSuites(results: readonly TestSuiteResult[], referenceMs?: number): string {
  const name = (c: TestCommand) => (c === 'test' ? 'npm test' : `npm run ${c}`);
  // Under a minute, a tenth of a second: a 20 s budget is missed by less than a second.
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 60_000 ? 1 : 0)} s`;
  const lines = ['| run | suites | tests | wall time | CPU time (user + sys) |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of results) {
    const cpu = r.cpuMs === undefined ? 'n/a' : `${(r.cpuMs / 1000).toFixed(0)} s`;
    const tests = r.error ? `not run (${r.error})` : `${r.passed} passed, ${r.failed} failed`;
    lines.push(`| ${name(r.command)} | ${r.suites} | ${tests} | ${seconds(r.wallMs)} | ${cpu} |`);
  }
  lines.push('');
  const ran = results.filter((r) => !r.error);
  for (const r of ran) {
    const budget = TEST_BUDGET_SECONDS[r.command];
    const within = r.wallMs / 1000 <= budget ? 'within' : 'over';
    lines.push(`${name(r.command)}: wall time ${seconds(r.wallMs)}, ${within} its budget of ${budget} s (2-core build machine, idle; on a busy machine compare the CPU time)`);
  }
  if (referenceMs !== undefined && referenceMs > 0 && ran.length > 0) {
    const multiples = ran.map((r) => `${name(r.command)} ${Math.round(r.wallMs / referenceMs)}x`).join(', ');
    lines.push(`machine reference, this run: the one-bucket app synthesizes in ${referenceMs.toFixed(0)} ms; wall time as a multiple of it: ${multiples}`);
  }
  return lines.join('\n');
}

export function formatPlanTable(rows: ReadonlyArray<readonly [string, BenchPlanResult]>): string {
  const lines = ['| run | stacks | npm run plan | bare terraform plans, same concurrency | ratio |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const [name, r] of rows) {
    lines.push(
      `| ${name} | ${r.stacks} | ${(r.planWallMs / 1000).toFixed(1)} s | ${(r.bareTerraformPlanMs / 1000).toFixed(1)} s (${r.concurrency} at a time) | ${r.ratio.toFixed(2)}x |`,
    );
  }
  return lines.join('\n');
}
