/**
 * The provider pool against the real Terraform and the real AWS provider: plans through
 * one long-lived server are the plans Terraform makes with its own providers, for a
 * stack of each kind in turn on ONE server; a workdir with two provider configurations runs
 * plain; a run whose server vanished runs again plain; and no provider server outlives
 * the process that started it, however that process ends.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadFlagsOrThrow } from '../../../lib/flags/load';
import { synthesize } from '../../../lib/synth';
import { readdirSync } from 'node:fs';
import { ProviderServer, SOCKET_DIR_PREFIX, socketParent, sweepStaleSocketDirs } from '../../../lib/terraform/provider-server';
import { ProviderPool, useProviderPool } from '../../../lib/terraform/provider-pool';
import { PROVIDER_POOL_ENV } from '../../../lib/terraform/provider-eligibility';
import { modulePlan, writeModulesWorkdir } from '../../../lib/terraform/modules-workdir';
import { writeOfflineWorkdir } from '../../../lib/terraform/offline-workdir';
import { planJson, providerPoolCounts, terraform, terraformProcessCounts, validate, type StackJson } from '../../../lib/terraform/runner';
import { offlineProvider, offlineQueueStack, running, waitGone } from '../../helpers/provider-pool';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();

/** A plan as a comparison sees it: no timestamp, `relevant_attributes` sorted (their order varies from run to run). */
function comparable(plan: StackJson): StackJson {
  const { timestamp: _t, ...rest } = plan;
  const relevant = ((rest.relevant_attributes ?? []) as unknown[]).map((a) => JSON.stringify(a)).sort();
  return { ...rest, relevant_attributes: relevant };
}

/** Runs `work` with the pool turned off (every Terraform launches its own providers). */
async function withPoolOff<T>(work: () => Promise<T>): Promise<T> {
  process.env[PROVIDER_POOL_ENV] = '0';
  try {
    return await work();
  } finally {
    delete process.env[PROVIDER_POOL_ENV];
  }
}

const byAddress = <T extends { address: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.address.localeCompare(b.address));

/** The stacks planned both ways: a fleet, a data and an access stack, of three environments. */
const REPRESENTATIVE_STACKS = ['sandbox-fleet', 'production-data', 'dogfood-access'] as const;

describe('plans through the pool are the plans of a plain Terraform', () => {
  let stacks: ReadonlyMap<string, StackJson>;
  let plain: StackJson;
  let pooled: Map<string, StackJson>;
  let pool: ProviderPool;
  let all: string;
  let shippedNames: string[];

  beforeAll(async () => {
    const shipped = synthesize(loadFlagsOrThrow(), tmp('fleetflags-pool-synth-')).stacks;
    // One stack of each kind, each with a provider configuration of its own kind (the emulator profile made
    // offline, an offline AWS account, the access stack's): every other @terraform suite plans the rest
    // through the pool and asserts what it plans.
    shippedNames = [...shipped.keys()];
    stacks = new Map(REPRESENTATIVE_STACKS.map((name) => [name, shipped.get(name)!]));
    // GIVEN those stacks, planned plain: modules of one root, each with its own provider (one plan + show)
    all = path.join(tmp('fleetflags-pool-plain-'), 'all');
    const { sharedProvider } = await writeModulesWorkdir(all, stacks);
    expect(sharedProvider).toBe(false);
    plain = await withPoolOff(() => planJson(all));
    // WHEN each stack is planned alone, in turn, through a pool of ONE server (each run configures it anew)
    pool = new ProviderPool({ maxServers: 1 });
    const previous = useProviderPool(pool);
    pooled = new Map();
    try {
      for (const [name, stack] of stacks) {
        const dir = tmp(`fleetflags-pool-${name}-`);
        await writeOfflineWorkdir(dir, stack);
        pooled.set(name, await planJson(dir));
      }
    } finally {
      await pool.stop();
      if (previous) useProviderPool(previous);
    }
  }, 900_000);

  it('GIVEN a stack of each kind WHEN planned through the pool THEN one server served every plan and show', () => {
    // The representatives are shipped stacks (a renamed one fails here, not silently planned as nothing).
    expect(shippedNames.length).toBeGreaterThanOrEqual(8);
    for (const name of REPRESENTATIVE_STACKS) expect(shippedNames).toContain(name);
    expect(pool.stats).toEqual({ started: 1, reused: 2 * stacks.size - 1, died: 0, busy: 0, failedStarts: 0 });
  });

  it('GIVEN a stack of each kind WHEN planned through the pool THEN each plans the same changes and values as without it', () => {
    for (const [name, plan] of pooled) {
      const reference = modulePlan(plain, name);
      expect({ name, changes: byAddress(plan.resource_changes) }).toEqual({ name, changes: byAddress(reference.resource_changes) });
      expect({ name, values: byAddress(plan.planned_values.root_module.resources ?? []) }).toEqual({
        name,
        values: byAddress(reference.planned_values.root_module.resources),
      });
    }
  });

  it(`GIVEN one stack WHEN planned with ${PROVIDER_POOL_ENV}=0 THEN the whole plan JSON is the pooled one`, async () => {
    const name = 'sandbox-fleet';
    const dir = tmp('fleetflags-pool-off-');
    await writeOfflineWorkdir(dir, stacks.get(name)!);
    const started = providerPoolCounts().started;
    const off = await withPoolOff(() => planJson(dir));
    expect(providerPoolCounts().started).toBe(started);
    expect(comparable(pooled.get(name)!)).toEqual(comparable(off));
  }, 300_000);

  it('GIVEN the plan of the root of those stacks (a provider configuration per module) WHEN shown through the pool THEN it is the plain show: show never configures the provider', async () => {
    const pool = new ProviderPool({ maxServers: 1 });
    const previous = useProviderPool(pool);
    let shown: StackJson;
    try {
      shown = JSON.parse((await terraform(['show', '-json', '-no-color', 'plan.tfplan'], { cwd: all })).stdout) as StackJson;
    } finally {
      await pool.stop();
      if (previous) useProviderPool(previous);
    }
    expect(pool.stats).toMatchObject({ started: 1, reused: 0 });
    expect(comparable(shown)).toEqual(comparable(plain));
  }, 300_000);
});

describe('runs the pool leaves alone or recovers', () => {
  it('GIVEN two aws provider configurations (an alias) WHEN planned THEN Terraform launches its own providers for the plan and each resource gets its own region', async () => {
    const stack = offlineQueueStack([offlineProvider(), offlineProvider({ alias: 'west', region: 'us-west-2' })]);
    stack.resource.aws_sqs_queue.west = { provider: 'aws.west', name: 'fleetflags-pool-west' };
    const dir = tmp('fleetflags-pool-alias-');
    await writeOfflineWorkdir(dir, stack);
    const pool = new ProviderPool();
    const previous = useProviderPool(pool);
    let plan: StackJson;
    try {
      plan = await planJson(dir);
    } finally {
      await pool.stop();
      if (previous) useProviderPool(previous);
    }
    // THEN the plan ran plain; only its show (which never configures the provider) leased a server
    expect(pool.stats).toMatchObject({ started: 1, reused: 0 });
    const config = plan.configuration.provider_config as Record<string, { expressions: { region: { constant_value: string } } }>;
    expect(Object.keys(config).sort()).toEqual(['aws', 'aws.west']);
    expect(config['aws.west'].expressions.region.constant_value).toBe('us-west-2');
    expect(byAddress(plan.resource_changes).map((c: { address: string }) => c.address)).toEqual(['aws_sqs_queue.q', 'aws_sqs_queue.west']);
  }, 300_000);

  it('GIVEN a server that is gone when Terraform attaches WHEN validated THEN the run goes again with its own provider and succeeds', async () => {
    const dir = tmp('fleetflags-pool-dead-');
    await writeOfflineWorkdir(dir, offlineQueueStack());
    // A pool whose servers die right after they listen.
    const dying = new ProviderPool({
      maxServers: 1,
      start: async (binary, env) => {
        const server = await ProviderServer.start(binary, env);
        process.kill(server.pid!, 'SIGKILL');
        await server.whenExited();
        return server;
      },
    });
    const previous = useProviderPool(dying);
    const before = { counts: providerPoolCounts(), validates: terraformProcessCounts().validate ?? 0 };
    try {
      // WHEN
      await expect(validate(dir)).resolves.toMatchObject({ valid: true });
    } finally {
      await dying.stop();
      if (previous) useProviderPool(previous);
    }
    // THEN two Terraform processes (attached, then plain), the dead server dropped
    expect(terraformProcessCounts().validate).toBe(before.validates + 2);
    expect(providerPoolCounts().retried).toBe(before.counts.retried + 1);
    expect(dying.stats).toMatchObject({ started: 1, died: 1 });
    expect(dying.pids).toEqual([]);
  }, 300_000);

  it('GIVEN a pool with a server WHEN the pool stops THEN its process has exited', async () => {
    const dir = tmp('fleetflags-pool-stop-');
    await writeOfflineWorkdir(dir, offlineQueueStack());
    const pool = new ProviderPool({ maxServers: 1 });
    const previous = useProviderPool(pool);
    try {
      await validate(dir);
      const pids = pool.pids;
      expect(pids).toHaveLength(1);
      expect(running(pids[0])).toBe(true);
      await pool.stop();
      expect(pids.filter(running)).toEqual([]);
    } finally {
      await pool.stop();
      if (previous) useProviderPool(previous);
    }
  }, 300_000);
});

describe('no orphan provider servers', () => {
  it.each([
    ['returns', 'exit'],
    ['is killed (SIGKILL, no exit handler runs)', 'hang'],
  ])('GIVEN a process that validated through the pool WHEN it %s THEN its provider servers are gone', async (_how, mode) => {
    // GIVEN a Node process (bin/run.mjs, as every script) that leased a server
    const child = spawn('node', ['bin/run.mjs', 'test/fixtures/run/provider-pool-child.ts', mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pids = await new Promise<number[]>((resolve, reject) => {
      const check = () => {
        const line = stdout.split('\n').find((l) => l.startsWith('['));
        if (line) resolve(JSON.parse(line) as number[]);
      };
      child.stdout.on('data', check);
      child.on('exit', () => (stdout.includes('[') ? check() : reject(new Error(`child exited first: ${stderr}`))));
    });
    expect(pids).toHaveLength(1);
    // WHEN it ends
    if (mode === 'hang') {
      expect(running(pids[0])).toBe(true);
      child.kill('SIGKILL');
    }
    await exited;
    // THEN its servers are gone, and so are its socket directories: one that returned removed its own
    // (asserted before any sweep), a killed one's go at the next sweep
    expect(await waitGone(pids)).toEqual([]);
    const socketDirs = () => readdirSync(socketParent()).filter((n) => n.startsWith(`${SOCKET_DIR_PREFIX}${child.pid}-`));
    if (mode === 'exit') expect(socketDirs()).toEqual([]);
    else expect(socketDirs()).toHaveLength(1);
    sweepStaleSocketDirs();
    expect(socketDirs()).toEqual([]);
  }, 300_000);
});
