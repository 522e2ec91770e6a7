/**
 * npm run sandbox [-- --plan-only]
 *
 * The main job on the sandbox: an AWS account on this machine. Starts the emulator
 * when none answers at the sandbox's aws.endpoint (`npm run emulator`), deploys the
 * sandbox for real (`npm run deploy -- --env sandbox`: plan, guards, apply, health,
 * record), and prints a short summary: what changed, health, the load balancer's DNS
 * name, and where the full plans are.
 *
 * --plan-only: no emulator, no AWS: validate, synthesize, and the real `terraform
 * validate` and `terraform plan` of each sandbox stack from empty state, offline.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flagsFiles, loadFlagsOrThrow, selectEnvironments, type LoadedFlags } from '../lib/flags/load';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseCommandLine } from '../lib/cli';
import { formatCounts, planCounts } from '../lib/deploy/plan-counts';
import type { DeployRunRecord } from '../lib/deploy/run-record';
import { elbv2Client, s3Client } from '../lib/emulator/clients';
import { fetchEmulatorInfo, startEmulator } from '../lib/emulator/emulator';
import { prepareEmulatedEnvironment } from '../lib/emulator/emulated-environment';
import { artifactKey } from '../lib/arch';
import { s3ArtifactStore } from '../lib/deploy/artifact-store';
import { DeployedStore } from '../lib/deploy/deployed-store';
import { pinnedBuilds } from '../lib/deploy/guards';
import { publishBuild } from '../lib/deploy/publish-build';
import { dataStackName, loadBalancerName, resourceNames } from '../lib/naming';
import { stateDir } from '../lib/state-dir';
import { synthesize } from '../lib/synth';
import { writeOfflineWorkdir } from '../lib/terraform/offline-workdir';
import { planJson, planText, validate } from '../lib/terraform/runner';
import { main as deploy, OUT_DIR as DEPLOY_OUT_DIR } from './deploy';

export const SANDBOX = 'sandbox';
export const OUT_DIR = path.join('out', 'sandbox');
const USAGE = 'npm run sandbox [-- --plan-only]';

export interface SandboxMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
  readonly repoDir?: string;
}

export async function main(args: readonly string[] = [], options: SandboxMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const { values, help } = parseCommandLine<{ 'plan-only'?: boolean }>(args, { usage: USAGE, options: { 'plan-only': { type: 'boolean' } } });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  // No flags/sandbox.json is an error naming the environments there are, never a silent "nothing to do".
  // A deploy plans an expired catch-up fleet at zero (with a warning), as every deploy does.
  const [sandbox] = selectEnvironments(loadFlagsOrThrow(flagsFiles(), { expiredCatchUp: 'allow' }), [SANDBOX]);
  if (values['plan-only']) return planOffline(sandbox, repoDir, print);

  const endpoint = sandbox.flags.aws.endpoint;
  if (endpoint && !(await fetchEmulatorInfo(endpoint))) {
    print(`emulator: none answers at ${endpoint}; starting one (npm run emulator -- start)`);
    const started = await startEmulator({ stateDir: stateDir(repoDir, env), port: Number(new URL(endpoint).port), env, log: print });
    print(`emulator: ready at ${started.endpoint} (boot ${started.info.bootId.slice(0, 8)}, patches: ${started.info.patches.join(', ') || 'none'})`);
  }
  let failure: unknown;
  try {
    if (endpoint) {
      // A restarted emulator is empty: forget the state first, then it is a first deploy again.
      const store = DeployedStore.forRepo(repoDir, env);
      await prepareEmulatedEnvironment({ environment: SANDBOX, endpoint, store, log: print });
      if (!store.lastDeploy(SANDBOX)) await firstDeploySteps(sandbox, endpoint, env, repoDir, print);
    }
    print(`deploy ${SANDBOX}: plan, guards, apply, health, record (npm run deploy -- --env ${SANDBOX})`);
    await deploy(['--env', SANDBOX], { env, repoDir, print: (line) => print(`  ${line}`) });
  } catch (e) {
    failure = e;
  }
  const recordFile = path.join(repoDir, DEPLOY_OUT_DIR, `${SANDBOX}.json`);
  let record: DeployRunRecord | undefined;
  try {
    record = JSON.parse(readFileSync(recordFile, 'utf8')) as DeployRunRecord;
  } catch {
    // The deploy stopped before it wrote a record (bad flags, no emulator): its error says why.
  }
  if (record) {
    const dnsName = endpoint ? await loadBalancerDns(sandbox.flags.aws.region, endpoint, loadBalancerName(SANDBOX)) : undefined;
    for (const line of summary(record, dnsName, repoDir)) print(line);
  }
  if (failure) throw failure;
  return 0;
}

/**
 * A sandbox that was never deployed (or whose emulator restarted) has no artifacts
 * bucket, so no build can be published and the ArtifactsPublished guard cannot pass.
 * First the data stack alone (which creates the bucket), then a stand-in build for
 * every pinned build that is missing (the sandbox has no CI builds: a small labelled
 * file, published and checked exactly as a real one), then the whole deploy.
 */
async function firstDeploySteps(sandbox: LoadedFlags, endpoint: string, env: NodeJS.ProcessEnv, repoDir: string, print: (line: string) => void): Promise<void> {
  print(`deploy ${dataStackName(SANDBOX)} first: it creates the artifacts bucket the builds are published to`);
  await deploy(['--env', SANDBOX, '--stack', dataStackName(SANDBOX)], { env, repoDir, print: (line) => print(`  ${line}`) });
  const client = s3Client({ region: sandbox.flags.aws.region, endpoint });
  const bucket = resourceNames(sandbox.flags).artifactsBucket;
  const store = s3ArtifactStore(client);
  const seen = new Set<string>();
  for (const build of pinnedBuilds(sandbox.flags)) {
    const key = `${build.buildId}/${build.arch}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if ((await store.size(bucket, artifactKey(build.buildId, build.arch))) !== undefined) continue;
    const file = path.join(repoDir, OUT_DIR, 'builds', `${build.buildId}-${build.arch}`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `fleetflags sandbox stand-in build ${build.buildId} (${build.arch}); the emulator runs no binaries\n`);
    const published = await publishBuild({ client, bucket, buildId: build.buildId, arch: build.arch, file });
    print(`published a stand-in build ${build.buildId} (${build.arch}) to s3://${bucket}/${published.key}`);
  }
}

/** The short summary of a sandbox deploy. */
export function summary(record: DeployRunRecord, dnsName: string | undefined, repoDir: string): string[] {
  const lines = [``, `sandbox: ${record.outcome} in ${record.durationSeconds} s (exit ${record.exitCode})`];
  for (const s of record.stacks) lines.push(`  ${s.stack}: ${formatCounts(s.counts)}${s.applied ? ', applied' : ''}`);
  if (record.flagsChanged.length) lines.push(`  flags changed: ${record.flagsChanged.join('; ')}`);
  const h = record.health;
  if (h) lines.push(`  health: ${h.status}${h.reason ? ` (${h.reason})` : ''}${h.problems.length ? `: ${h.problems.join('; ')}` : ''}`);
  if (dnsName) lines.push(`  load balancer: ${dnsName}`);
  const plans = record.stacks.filter((s) => s.planJson).map((s) => path.relative(repoDir, s.planJson!));
  if (plans.length) lines.push(`  full plans: ${plans.join(', ')}`);
  lines.push(`  deploy record: ${path.join(DEPLOY_OUT_DIR, `${record.environment}.json`)}`);
  return lines;
}

async function loadBalancerDns(region: string, endpoint: string, name: string): Promise<string | undefined> {
  try {
    const out = await elbv2Client({ region, endpoint }).send(new DescribeLoadBalancersCommand({ Names: [name] }));
    return out.LoadBalancers?.[0]?.DNSName;
  } catch {
    return undefined;
  }
}

/** The offline plan of each sandbox stack; the full text goes to a file, a summary to the terminal. */
async function planOffline(sandbox: LoadedFlags, repoDir: string, print: (line: string) => void): Promise<number> {
  const outDir = path.join(repoDir, OUT_DIR);
  const { stacks } = synthesize([sandbox], path.join(outDir, 'synth'));
  for (const [name, json] of stacks) {
    const dir = path.join(outDir, 'plans', name);
    await writeOfflineWorkdir(dir, json);
    await validate(dir);
    const plan = await planJson(dir);
    const textFile = path.join(outDir, `${name}.plan.txt`);
    writeFileSync(textFile, await planText(dir));
    writeFileSync(path.join(outDir, `${name}.plan.json`), JSON.stringify(plan));
    print(`${name} (offline plan: real provider, no AWS, from empty state): ${formatCounts(planCounts(plan as never))}; full plan: ${path.relative(repoDir, textFile)}`);
  }
  return 0;
}
