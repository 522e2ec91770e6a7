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
 * - Servers stop when the pool is stopped (jest: test/setup.ts after each test file),
 *   when the Node process exits, and, on Linux, when it dies any other way (setpriv's
 *   parent-death signal, SIGKILL). No provider process outlives the process that started it.
 */
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
  readonly start?: (binary: string, env: NodeJS.ProcessEnv) => Promise<ProviderServer>;
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
  /** Servers that failed to start (the run launched its own provider). */
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
  private readonly startServer: (binary: string, env: NodeJS.ProcessEnv) => Promise<ProviderServer>;
  private readonly onExit = () => this.stopNow();
  // A process that ends by itself (its event loop empty) waits for its servers to exit, so
  // their CPU time counts as its children's (time, the bench); process.exit() skips this.
  private readonly onBeforeExit = () => {
    if (this.entries.length > 0) void this.stop();
  };
  private exitHooked = false;
  /** Counts stops: a server that finished starting after one is not kept. */
  private generation = 0;
  readonly stats: ProviderPoolStats = { started: 0, reused: 0, died: 0, busy: 0, failedStarts: 0 };

  constructor(options: ProviderPoolOptions = {}) {
    const fromEnv = Number(process.env[PROVIDER_POOL_MAX_ENV]);
    this.maxServers = options.maxServers ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_SERVERS);
    this.startServer = options.start ?? ((binary, env) => ProviderServer.start(binary, env));
  }

  /** Process IDs of the running servers. */
  get pids(): number[] {
    return this.entries.map((e) => e.server.pid).filter((p): p is number => p !== undefined);
  }

  /**
   * A server for `key` leased to the caller alone, or undefined when none can be had
   * (all busy, or it would not start): the caller runs Terraform plain.
   */
  async lease(key: string, binary: string, env: NodeJS.ProcessEnv): Promise<ProviderLease | undefined> {
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
      server = await this.startServer(binary, env);
    } catch {
      this.stats.failedStarts += 1;
      return undefined;
    } finally {
      this.starting -= 1;
    }
    this.stats.started += 1;
    if (generation !== this.generation) {
      // The pool was stopped while this server started: it serves this one run, then stops.
      return { server, release: () => void server.stop(STOP_GRACE_MS) };
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
    this.unhookExit();
  }

  /** Stops every server and waits until each has exited (SIGKILL after `graceMs`). */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.generation += 1;
    const entries = this.entries.splice(0);
    this.unhookExit();
    await Promise.all(entries.map((e) => e.server.stop(graceMs)));
  }
}

let defaultPool: ProviderPool | undefined;

/** The pool of this Node process (module instance: a jest test file has its own). */
export function providerPool(): ProviderPool {
  defaultPool ??= new ProviderPool();
  return defaultPool;
}

/** Replaces this process's pool (tests: a pool of one server, or one whose servers die); returns the one it replaced. */
export function useProviderPool(pool: ProviderPool): ProviderPool | undefined {
  const previous = defaultPool;
  defaultPool = pool;
  return previous;
}

/** Stops this process's pool, if any, and waits for its servers to exit. */
export async function stopProviderPool(): Promise<void> {
  const pool = defaultPool;
  defaultPool = undefined;
  await pool?.stop();
}
