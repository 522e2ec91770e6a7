/**
 * A pool of long-lived AWS provider servers (provider-server.ts) per Node process, for
 * Terraform runs in sequence: Terraform attaches to a leased server (TF_REATTACH_PROVIDERS)
 * instead of launching the provider itself, several times per run.
 *
 * - A server is leased to ONE Terraform process at a time (its configuration is per
 *   server), and only to runs with the same key (provider-eligibility.ts: binary, offline
 *   or emulated, connection settings, environment).
 * - Servers start lazily, at most `maxServers` at once (FLEETFLAGS_PROVIDER_POOL_MAX,
 *   default 4); a run that finds them all leased launches its own provider (plain).
 * - A server that died is dropped and replaced on the next lease.
 * - A server that fails to start is not retried: the pool warns once per process on
 *   stderr (errors.providerPoolFallback) and runs of that key go on plain for the pool's
 *   life (a circuit breaker: the same failure would cost every later run a start attempt).
 * - Servers stop when the pool is stopped (jest: test/setup.ts after each test file),
 *   when the Node process exits, and, on Linux, when it dies any other way (setpriv's
 *   parent-death signal, SIGKILL). No provider process outlives the process that started it.
 */
import { errors } from '../errors';
import { ProviderServer } from './provider-server';

/** Upper bound on the servers of one pool (FLEETFLAGS_PROVIDER_POOL_MAX). */
export const PROVIDER_POOL_MAX_ENV = 'FLEETFLAGS_PROVIDER_POOL_MAX';
const DEFAULT_MAX_SERVERS = 4;
/** How long a stopping server gets after SIGINT before SIGKILL. */
const STOP_GRACE_MS = 5000;

export interface ProviderPoolOptions {
  /** @default FLEETFLAGS_PROVIDER_POOL_MAX, else 4 */
  readonly maxServers?: number;
  /** Starts a server (tests replace it). @default ProviderServer.start */
  readonly start?: (binary: string, env: NodeJS.ProcessEnv, files?: Readonly<Record<string, string>>) => Promise<ProviderServer>;
  /** Where the failed-start warning goes (tests replace it). @default one line on stderr, once per process */
  readonly warn?: (line: string) => void;
}

let warnedThisProcess = false;
function warnOncePerProcess(line: string): void {
  if (warnedThisProcess) return;
  warnedThisProcess = true;
  process.stderr.write(`${line}\n`);
}

export interface ProviderLease {
  readonly server: ProviderServer;
  /** Gives the server back (or drops it when it died). */
  release(): void;
}

/** What a pool did, for benchmarks and tests. */
export interface ProviderPoolStats {
  /** Servers started. */
  started: number;
  /** Leases of a server that had served a run before. */
  reused: number;
  /** Servers found dead and dropped. */
  died: number;
  /** Leases refused because every server was busy (the run launched its own provider). */
  busy: number;
  /** Servers that failed to start (the run launched its own provider; its key runs plain from then on). */
  failedStarts: number;
}

interface Entry {
  readonly key: string;
  readonly server: ProviderServer;
  leased: boolean;
}

export class ProviderPool {
  private readonly entries: Entry[] = [];
  private starting = 0;
  private readonly maxServers: number;
  private readonly startServer: (binary: string, env: NodeJS.ProcessEnv, files?: Readonly<Record<string, string>>) => Promise<ProviderServer>;
  private readonly onExit = () => this.stopNow();
  // A process that ends by itself (its event loop empty) waits for its servers to exit, so
  // their CPU time counts as its children's (time, the bench); process.exit() skips this.
  private readonly onBeforeExit = () => {
    if (this.entries.length > 0) void this.stop();
  };
  private exitHooked = false;
  private readonly warn: (line: string) => void;
  /** Keys whose server failed to start: their runs go on plain (circuit breaker). */
  private readonly failedKeys = new Set<string>();
  /** Servers that finished starting after a stop, serving their one run: stopNow() covers them too. */
  private readonly strays = new Set<ProviderServer>();
  /** Counts stops: a server that finished starting after one is not kept. */
  private generation = 0;
  readonly stats: ProviderPoolStats = { started: 0, reused: 0, died: 0, busy: 0, failedStarts: 0 };

  constructor(options: ProviderPoolOptions = {}) {
    const fromEnv = Number(process.env[PROVIDER_POOL_MAX_ENV]);
    this.maxServers = options.maxServers ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_SERVERS);
    this.startServer = options.start ?? ((binary, env, files) => ProviderServer.start(binary, env, { files }));
    this.warn = options.warn ?? warnOncePerProcess;
  }

  /** The most servers this pool runs at once: more concurrent runs than this launch their own providers. */
  get capacity(): number {
    return this.maxServers;
  }

  /** Process IDs of the running servers. */
  get pids(): number[] {
    return this.entries.map((e) => e.server.pid).filter((p): p is number => p !== undefined);
  }

  /**
   * A server for `key` leased to the caller alone, or undefined when none can be had
   * (all busy, or it would not start): the caller runs Terraform plain. `files` go into a new
   * server's working directory (PoolDecision.files; the key covers them).
   */
  async lease(key: string, binary: string, env: NodeJS.ProcessEnv, files?: Readonly<Record<string, string>>): Promise<ProviderLease | undefined> {
    if (this.failedKeys.has(key)) return undefined;
    for (const entry of this.entries.filter((e) => !e.leased)) {
      if (!entry.server.alive) this.drop(entry);
    }
    const idle = this.entries.find((e) => e.key === key && !e.leased);
    if (idle) {
      idle.leased = true;
      this.stats.reused += 1;
      return this.leaseOf(idle);
    }
    if (this.entries.length + this.starting >= this.maxServers) {
      // Make room: an idle server of another key goes first.
      const other = this.entries.find((e) => !e.leased);
      if (!other) {
        this.stats.busy += 1;
        return undefined;
      }
      this.drop(other);
    }
    this.starting += 1;
    this.hookExit();
    const generation = this.generation;
    let server: ProviderServer;
    try {
      server = await this.startServer(binary, env, files);
    } catch (e) {
      this.stats.failedStarts += 1;
      this.failedKeys.add(key);
      this.warn(errors.providerPoolFallback((e as Error).message));
      return undefined;
    } finally {
      this.starting -= 1;
    }
    this.stats.started += 1;
    if (generation !== this.generation) {
      // The pool was stopped while this server started: it serves this one run, then stops
      // (at release, or at process exit if that comes first).
      this.strays.add(server);
      this.hookExit();
      return {
        server,
        release: () => {
          this.strays.delete(server);
          if (this.entries.length === 0 && this.strays.size === 0) this.unhookExit();
          void server.stop(STOP_GRACE_MS);
        },
      };
    }
    const entry: Entry = { key, server, leased: true };
    this.entries.push(entry);
    return this.leaseOf(entry);
  }

  private leaseOf(entry: Entry): ProviderLease {
    let released = false;
    return {
      server: entry.server,
      release: () => {
        if (released) return;
        released = true;
        entry.leased = false;
        if (!entry.server.alive) this.drop(entry);
      },
    };
  }

  private drop(entry: Entry): void {
    const i = this.entries.indexOf(entry);
    if (i < 0) return;
    this.entries.splice(i, 1);
    if (!entry.server.alive) this.stats.died += 1;
    void entry.server.stop(STOP_GRACE_MS);
  }

  private hookExit(): void {
    if (this.exitHooked) return;
    this.exitHooked = true;
    process.on('exit', this.onExit);
    process.on('beforeExit', this.onBeforeExit);
  }

  private unhookExit(): void {
    if (!this.exitHooked) return;
    this.exitHooked = false;
    process.off('exit', this.onExit);
    process.off('beforeExit', this.onBeforeExit);
  }

  /** Stops every server now (SIGINT, no wait): for a process 'exit' handler. */
  stopNow(): void {
    this.generation += 1;
    for (const entry of this.entries.splice(0)) void entry.server.stop();
    for (const server of this.strays) void server.stop();
    this.strays.clear();
    this.unhookExit();
  }

  /** Stops every server and waits until each has exited (SIGKILL after `graceMs`). */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.generation += 1;
    const entries = this.entries.splice(0);
    // Servers still serving a run started before an earlier stop keep the exit hook until released.
    if (this.strays.size === 0) this.unhookExit();
    await Promise.all(entries.map((e) => e.server.stop(graceMs)));
  }
}

let defaultPool: ProviderPool | undefined;
/** The pool providerPool() made (not one a test put in place with useProviderPool). */
let madeHere: ProviderPool | undefined;

/** The pool of this Node process (module instance: a jest test file has its own). */
export function providerPool(): ProviderPool {
  if (!defaultPool) {
    defaultPool = new ProviderPool();
    madeHere = defaultPool;
  }
  return defaultPool;
}

/** Replaces this process's pool (tests: a pool of one server, or one whose servers die); returns the one it replaced. */
export function useProviderPool(pool: ProviderPool): ProviderPool | undefined {
  const previous = defaultPool;
  defaultPool = pool;
  return previous;
}

/**
 * Stops this process's pool, if any, and waits for its servers to exit. Returns what the pool
 * providerPool() made did (undefined when it made none; a pool a test put in place with
 * useProviderPool is stopped but not reported: test/setup.ts fails a suite on its own pool's failed starts only).
 */
export async function stopProviderPool(): Promise<ProviderPoolStats | undefined> {
  const pool = defaultPool;
  const made = madeHere;
  defaultPool = undefined;
  madeHere = undefined;
  await pool?.stop();
  if (made && made !== pool) await made.stop();
  return made?.stats;
}
