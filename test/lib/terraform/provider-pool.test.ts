/**
 * The provider pool's leasing rules, with stand-in servers (no process is started):
 * one run per server at a time, reuse by key, a bound on servers, dead servers
 * replaced, and a stopped pool keeps nothing (test/lib/terraform/provider-pool-terraform.test.ts
 * runs it with the real provider). Also the reattach line a `-debug` provider prints.
 */
import { AWS_PROVIDER_ADDRESS, parseReattachLine, ProviderServer, SOCKET_DIR_PREFIX, socketParent, sweepStaleSocketDirs } from '../../../lib/terraform/provider-server';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDirs } from '../../helpers/temp-dirs';
import { ProviderPool, providerPool, stopProviderPool, useProviderPool } from '../../../lib/terraform/provider-pool';

/**
 * Every pool a test makes, stopped after it: a pool that leased holds the process's exit and beforeExit
 * handlers until it stops (the eleven this file left made Node warn of a listener leak).
 */
const pools: ProviderPool[] = [];
const tracked = (pool: ProviderPool): ProviderPool => (pools.push(pool), pool);
const listenersAtStart = { exit: process.listenerCount('exit'), beforeExit: process.listenerCount('beforeExit') };
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});
afterAll(async () => {
  await stopProviderPool();
  expect({ exit: process.listenerCount('exit'), beforeExit: process.listenerCount('beforeExit') }).toEqual(listenersAtStart);
});

describe('ProviderPool', () => {
  it('GIVEN one key WHEN runs lease in sequence THEN one server serves them all', async () => {
    const { pool, servers } = fakePool();
    for (let i = 0; i < 3; i++) (await pool.lease('k', 'bin', {}))!.release();
    expect(servers).toHaveLength(1);
    expect(pool.stats).toEqual({ started: 1, reused: 2, died: 0, busy: 0, failedStarts: 0 });
  });

  it("GIVEN a run's files (the emulator profile) WHEN a server starts for it THEN the start gets them", async () => {
    const starts: unknown[] = [];
    const pool = tracked(new ProviderPool({ start: (_binary, _env, files) => (starts.push(files), fakeServer()) }));
    (await pool.lease('k', 'bin', {}, { 'aws-emulator.config': 'text' }))!.release();
    expect(starts).toEqual([{ 'aws-emulator.config': 'text' }]);
  });

  it('GIVEN a leased server WHEN a second run leases at the same time THEN it gets another server: never two runs on one', async () => {
    const { pool } = fakePool();
    const [a, b] = await Promise.all([pool.lease('k', 'bin', {}), pool.lease('k', 'bin', {})]);
    expect(a!.server).not.toBe(b!.server);
    a!.release();
    const c = await pool.lease('k', 'bin', {});
    expect(c!.server).toBe(a!.server);
  });

  it('GIVEN every server leased and the bound reached WHEN another run leases THEN it gets none (and launches its own provider)', async () => {
    const { pool, servers } = fakePool(1);
    const a = await pool.lease('k', 'bin', {});
    expect(await pool.lease('k', 'bin', {})).toBeUndefined();
    expect(pool.stats.busy).toBe(1);
    expect(servers).toHaveLength(1);
    a!.release();
  });

  it('GIVEN an idle server of another key and the bound reached WHEN a run leases THEN that server is stopped for a new one', async () => {
    const { pool, servers } = fakePool(1);
    (await pool.lease('offline', 'bin', {}))!.release();
    const lease = await pool.lease('emulated', 'bin', {});
    expect(servers).toHaveLength(2);
    expect(servers[0].stop).toHaveBeenCalled();
    expect(lease!.server).toBe(servers[1]);
    expect(pool.pids).toEqual([servers[1].pid]);
  });

  it('GIVEN a jest run (test/global-setup.js caps the pool, FLEETFLAGS_PROVIDER_POOL_MAX, 2 unless set) WHEN more runs lease at once THEN the pool holds no more servers than that', async () => {
    // GIVEN
    const cap = Number(process.env.FLEETFLAGS_PROVIDER_POOL_MAX);
    expect(Number.isInteger(cap) && cap > 0).toBe(true);
    const pool = tracked(new ProviderPool({ start: fakeServer }));
    // WHEN
    const leases = await Promise.all(Array.from({ length: cap + 1 }, () => pool.lease('k', 'bin', {})));
    // THEN
    expect(leases.filter((l) => l !== undefined)).toHaveLength(cap);
    expect(pool.stats.busy).toBe(1);
    for (const l of leases) l?.release();
  });

  it('GIVEN a server that died while idle WHEN the next run leases THEN it is dropped and replaced', async () => {
    const { pool, servers } = fakePool();
    (await pool.lease('k', 'bin', {}))!.release();
    servers[0].alive = false;
    const lease = await pool.lease('k', 'bin', {});
    expect(lease!.server).toBe(servers[1]);
    expect(pool.stats).toMatchObject({ started: 2, died: 1, reused: 0 });
  });

  it('GIVEN a server that dies during a run WHEN the run releases it THEN it is dropped, not reused', async () => {
    const { pool, servers } = fakePool();
    const lease = await pool.lease('k', 'bin', {});
    servers[0].alive = false;
    lease!.release();
    expect(pool.pids).toEqual([]);
    expect(pool.stats.died).toBe(1);
  });

  it('GIVEN a server still starting WHEN the pool stops THEN the run it started for still gets it, and it stops at release', async () => {
    let started!: () => void;
    const server = { pid: 1, alive: true, reattach: '{}', stderr: '', stop: jest.fn(async () => undefined) };
    const pool = tracked(new ProviderPool({ start: () => new Promise((resolve) => (started = () => resolve(server as unknown as ProviderServer))) }));
    const pending = pool.lease('k', 'bin', {});
    await pool.stop();
    started();
    const lease = await pending;
    expect(lease!.server).toBe(server);
    expect(pool.pids).toEqual([]);
    expect(server.stop).not.toHaveBeenCalled();
    lease!.release();
    expect(server.stop).toHaveBeenCalled();
  });

  it('GIVEN a server that will not start WHEN runs lease THEN each gets none, one warning says why, and that key is not tried again (circuit breaker)', async () => {
    // GIVEN
    const warn = jest.fn();
    const start = jest.fn((binary: string) =>
      binary === 'broken' ? Promise.reject(new Error('The AWS provider server broken -debug did not start: it exited (1) before it listened.\nstderr line')) : fakeServer(),
    );
    const pool = tracked(new ProviderPool({ start, warn }));
    // WHEN
    const first = await pool.lease('k', 'broken', {});
    const second = await pool.lease('k', 'broken', {});
    const otherKey = await pool.lease('other', 'works', {});
    // THEN
    expect(first).toBeUndefined();
    expect(second).toBeUndefined();
    expect(start.mock.calls.map(([binary]) => binary)).toEqual(['broken', 'works']);
    expect(pool.stats.failedStarts).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(
      /^warning: provider pool: The AWS provider server broken -debug did not start: it exited \(1\) before it listened\. Terraform runs go on launching their own providers .*FLEETFLAGS_PROVIDER_POOL=0 turns the pool off\.$/,
    );
    expect(warn.mock.calls[0][0]).not.toContain('\n');
    expect(otherKey!.server).toBeDefined();
    otherKey!.release();
  });

  it('GIVEN two pools whose servers will not start WHEN each fails with the default warning THEN stderr gets one line for the process', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const pool of [tracked(new ProviderPool({ start: () => Promise.reject(new Error('a')) })), tracked(new ProviderPool({ start: () => Promise.reject(new Error('b')) }))]) {
        expect(await pool.lease('k', 'bin', {})).toBeUndefined();
      }
      const lines = write.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.startsWith('warning: provider pool:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^warning: provider pool: a Terraform runs go on/);
    } finally {
      write.mockRestore();
    }
  });

  it('GIVEN a server that finished starting after the pool stopped WHEN the process exits before its run releases it THEN stopNow stops it', async () => {
    let started!: () => void;
    const server = { pid: 1, alive: true, reattach: '{}', stderr: '', stop: jest.fn(async () => undefined) };
    const pool = tracked(new ProviderPool({ start: () => new Promise((resolve) => (started = () => resolve(server as unknown as ProviderServer))) }));
    const exitHandlers = process.listenerCount('exit');
    const pending = pool.lease('k', 'bin', {});
    await pool.stop();
    started();
    await pending;
    expect(process.listenerCount('exit')).toBe(exitHandlers + 1);
    pool.stopNow();
    expect(server.stop).toHaveBeenCalledTimes(1);
    expect(process.listenerCount('exit')).toBe(exitHandlers);
  });

  it('GIVEN running servers WHEN the pool stops THEN each is stopped, and the exit handlers are gone', async () => {
    const exitHandlers = process.listenerCount('exit');
    const beforeExitHandlers = process.listenerCount('beforeExit');
    const { pool, servers } = fakePool();
    const [a, b] = await Promise.all([pool.lease('k', 'bin', {}), pool.lease('k', 'bin', {})]);
    expect(process.listenerCount('exit')).toBe(exitHandlers + 1);
    a!.release();
    b!.release();
    await pool.stop();
    expect(servers.map((s) => s.stop.mock.calls.length)).toEqual([1, 1]);
    expect(pool.pids).toEqual([]);
    expect(process.listenerCount('exit')).toBe(exitHandlers);
    expect(process.listenerCount('beforeExit')).toBe(beforeExitHandlers);
  });
});

describe('parseReattachLine', () => {
  it('GIVEN the lines a -debug AWS provider prints WHEN parsed THEN the TF_REATTACH_PROVIDERS value', () => {
    const value = `{"${AWS_PROVIDER_ADDRESS}":{"Protocol":"grpc","ProtocolVersion":5,"Pid":11515,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin3731646782"}}}`;
    const stdout = `Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n\tTF_REATTACH_PROVIDERS='${value}'\n`;
    expect(parseReattachLine(stdout)).toBe(value);
  });

  it('GIVEN half a line, or another provider WHEN parsed THEN nothing', () => {
    expect(parseReattachLine("TF_REATTACH_PROVIDERS='{\"registry.terraform.io/hashicorp/aws\":{")).toBeUndefined();
    expect(parseReattachLine(`TF_REATTACH_PROVIDERS='{"registry.terraform.io/hashicorp/random":{"Addr":{"String":"/tmp/p"}}}'`)).toBeUndefined();
  });
});

// -- helpers ---------------------------------------------------------------------

interface FakeServer {
  pid: number;
  alive: boolean;
  reattach: string;
  stderr: string;
  stop: jest.Mock<Promise<void>, []>;
}

function fakeServer(): Promise<ProviderServer> {
  return Promise.resolve({ pid: 999, alive: true, reattach: '{}', stderr: '', stop: jest.fn(async () => undefined) } as unknown as ProviderServer);
}

function fakePool(maxServers = 4): { pool: ProviderPool; servers: FakeServer[] } {
  const servers: FakeServer[] = [];
  const pool = tracked(new ProviderPool({
    maxServers,
    start: async () => {
      const server: FakeServer = { pid: 1000 + servers.length, alive: true, reattach: '{}', stderr: '', stop: jest.fn(async () => undefined) };
      servers.push(server);
      return server as unknown as ProviderServer;
    },
  }));
  return { pool, servers };
}

describe('socketParent', () => {
  it('GIVEN a short temporary folder WHEN a server starts THEN its socket directory goes there', () => {
    expect(socketParent('/tmp/run-1')).toBe('/tmp/run-1');
  });

  it('GIVEN a temporary folder so deep that the socket path would pass the Unix limit (a test run\'s nested folders) THEN /tmp', () => {
    const deep = `/tmp/fleetflags-jest-run-abcdef/provider-pool-terraform.test.ts-abcdef/${'x'.repeat(20)}`;
    expect(socketParent(deep)).toBe('/tmp');
  });
});

describe('ProviderServer.start', () => {
  const tempDir = tempDirs();

  it("GIVEN a server (a stand-in provider that prints the reattach line) WHEN it runs THEN it is in a process group of its own: a terminal's Ctrl-C to ours does not reach it", async () => {
    // GIVEN
    const binary = standInProvider(tempDir('stand-in-'));
    // WHEN
    const server = await ProviderServer.start(binary, { PATH: process.env.PATH });
    try {
      // THEN
      expect(server.alive).toBe(true);
      const group = processGroup(server.pid!);
      expect(group).toBe(server.pid);
      expect(group).not.toBe(processGroup(process.pid));
    } finally {
      await server.stop(5000);
    }
    expect(server.alive).toBe(false);
  });

  it('GIVEN a provider binary that does not exist (spawn fails: ENOENT, no exit event) WHEN a server starts THEN it rejects at once, naming the reason', async () => {
    // GIVEN
    const binary = '/nonexistent/terraform-provider-aws';
    const started = Date.now();
    // WHEN
    const start = ProviderServer.start(binary, { PATH: process.env.PATH }, { parentDeathSignal: false, timeoutMs: 20_000 });
    // THEN
    await expect(start).rejects.toThrow(/terraform-provider-aws -debug did not start: it could not be started \(spawn .*ENOENT\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('GIVEN files for its working directory (the emulator profile a configuration names relative to its stack) WHEN a server starts THEN it runs where they are', async () => {
    // GIVEN
    const binary = standInProvider(tempDir('stand-in-'));
    const text = '[profile fleetflags-emulator]\nendpoint_url = https://127.0.0.1:4566\n';
    // WHEN
    const server = await ProviderServer.start(binary, { PATH: process.env.PATH }, { files: { 'aws-emulator.config': text } });
    try {
      // THEN the file, relative to the server's own working directory, is the one given
      expect(readFileSync(`/proc/${server.pid}/cwd/aws-emulator.config`, 'utf8')).toBe(text);
    } finally {
      await server.stop(5000);
    }
  });

  it('GIVEN endpoint overrides in its environment WHEN a server starts THEN it runs without them (they would overrule the emulator profile)', async () => {
    // GIVEN
    const binary = standInProvider(tempDir('stand-in-'));
    const env = { PATH: process.env.PATH, AWS_ENDPOINT_URL: 'https://attacker.example', AWS_ENDPOINT_URL_SNS: 'https://sns.attacker.example', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_REGION: 'us-east-1' };
    // WHEN
    const server = await ProviderServer.start(binary, env, {});
    try {
      // THEN
      const names = (await environOf(server.pid!)).map((v) => v.slice(0, v.indexOf('=')));
      expect(names).toContain('AWS_REGION');
      expect(names.filter((n) => n.startsWith('AWS_ENDPOINT_URL') || n === 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS')).toEqual([]);
    } finally {
      await server.stop(5000);
    }
  });

  it('GIVEN a schema-caching proxy that cannot start (its socket path taken) WHEN a server starts THEN the server runs without it, Terraform attaching to the server, and one line says so', async () => {
    // GIVEN a file where the proxy's socket goes
    const binary = standInProvider(tempDir('stand-in-'));
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let server: ProviderServer | undefined;
    try {
      // WHEN
      server = await ProviderServer.start(binary, { PATH: process.env.PATH }, { files: { 'proxy.sock': 'taken' }, schemaCacheDir: tempDir('schemas-') });
      // THEN
      expect(server.alive).toBe(true);
      expect(server.proxy).toBeUndefined();
      const socket = (JSON.parse(server.reattach) as Record<string, { Addr: { String: string } }>)[AWS_PROVIDER_ADDRESS].Addr.String;
      expect(path.basename(socket)).toBe('plugin1');
      expect(write.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/^warning: provider schema cache: it could not start \(.*EADDRINUSE.*\); this provider server runs without it .*FLEETFLAGS_PROVIDER_SCHEMA_CACHE=0.*\n$/)]);
    } finally {
      write.mockRestore();
      await server?.stop(5000);
    }
  });

  it.each(['../aws-emulator.config', 'sub/aws-emulator.config', '.aws-emulator.config', ''])(
    'GIVEN a file named %s (not a plain name) WHEN a server starts THEN it rejects, naming it, before starting anything',
    async (name) => {
      const start = ProviderServer.start('/nonexistent/terraform-provider-aws', { PATH: process.env.PATH }, { files: { [name]: 'x' } });
      await expect(start).rejects.toThrow(`not a plain file name: ${JSON.stringify(name)}`);
    },
  );

  it('GIVEN a provider binary that does not exist, started through setpriv WHEN a server starts THEN it rejects at once', async () => {
    const start = ProviderServer.start('/nonexistent/terraform-provider-aws', { PATH: process.env.PATH }, { timeoutMs: 20_000 });
    await expect(start).rejects.toThrow(/did not start: it (could not be started|exited \(\d+\) before it listened)/);
  });
});

describe('stopProviderPool', () => {
  it("GIVEN the process's own pool failed to start a server WHEN it is stopped THEN it reports the failed start (test/setup.ts fails the suite on it)", async () => {
    // GIVEN: a binary that does not exist (setpriv, or the spawn, fails at once)
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await providerPool().lease('k', '/nonexistent/terraform-provider-aws', { PATH: process.env.PATH })).toBeUndefined();
    } finally {
      write.mockRestore();
    }
    // WHEN
    const stats = await stopProviderPool();
    // THEN
    expect(stats).toMatchObject({ failedStarts: 1, started: 0 });
  });

  it('GIVEN a pool a test put in place itself that failed starts WHEN stopped THEN nothing is reported', async () => {
    const pool = tracked(new ProviderPool({ start: () => Promise.reject(new Error('deliberate')), warn: () => undefined }));
    expect(useProviderPool(pool)).toBeUndefined();
    await pool.lease('k', 'bin', {});
    expect(await stopProviderPool()).toBeUndefined();
  });
});

/** A shell script that acts as `terraform-provider-aws -debug`: makes its socket file, prints the reattach line, waits. */
function standInProvider(dir: string): string {
  const file = path.join(dir, 'terraform-provider-aws');
  const reattach = `{"${AWS_PROVIDER_ADDRESS}":{"Protocol":"grpc","ProtocolVersion":5,"Pid":1,"Test":true,"Addr":{"Network":"unix","String":"SOCKET"}}}`;
  writeFileSync(
    file,
    `#!/bin/sh\nsocket="$PLUGIN_UNIX_SOCKET_DIR/plugin1"\n: > "$socket"\nprintf "TF_REATTACH_PROVIDERS='%s'\\n" '${reattach}' | sed "s#SOCKET#$socket#"\nexec sleep 60\n`,
    { mode: 0o755 },
  );
  return file;
}

/**
 * A process's environment (/proc/<pid>/environ). The stand-in prints its reattach line and then
 * `exec`s sleep: while that exec is under way the kernel shows an empty environment (the new
 * image's is not yet set up), so an empty one is read again until the exec is done (5 s at most).
 */
async function environOf(pid: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = readFileSync(`/proc/${pid}/environ`, 'utf8');
    if (text !== '' || Date.now() > deadline) return text.split('\0').filter((v) => v !== '');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A process's group ID (/proc/<pid>/stat, the field after the state). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('sweepStaleSocketDirs', () => {
  const tempDir = tempDirs();

  it("GIVEN socket directories of a process that is gone, one of them a dangling link WHEN swept THEN the current user's directory goes; the link stays", () => {
    // GIVEN
    const tmp = tempDir('sweep-');
    const gone = spawnSync('true').pid;
    const stale = path.join(tmp, `${SOCKET_DIR_PREFIX}${gone}-abc123`);
    mkdirSync(stale);
    writeFileSync(path.join(stale, 'plugin1'), '');
    const link = path.join(tmp, `${SOCKET_DIR_PREFIX}${gone}-link00`);
    symlinkSync(path.join(tmp, 'nowhere'), link);
    const live = path.join(tmp, `${SOCKET_DIR_PREFIX}${process.ppid}-def456`);
    mkdirSync(live);
    // WHEN
    const removed = sweepStaleSocketDirs(tmp);
    // THEN
    expect(removed).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it("GIVEN a stale socket directory of another user (a shared /tmp) WHEN swept THEN it is left alone", () => {
    // GIVEN: the directory is ours; the sweep runs as if for another user
    const tmp = tempDir('sweep-');
    const stale = path.join(tmp, `${SOCKET_DIR_PREFIX}${spawnSync('true').pid}-abc123`);
    mkdirSync(stale);
    // WHEN
    const removed = sweepStaleSocketDirs(tmp, process.getuid!() + 1);
    // THEN
    expect(removed).toEqual([]);
    expect(existsSync(stale)).toBe(true);
  });
});
