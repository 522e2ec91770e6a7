/**
 * One AWS provider running as a long-lived server (`terraform-provider-aws -debug`),
 * which Terraform attaches to instead of launching its own provider processes
 * (TF_REATTACH_PROVIDERS). Most of a Terraform run's CPU is the provider starting up
 * (a 700 MB Go binary, launched several times per `terraform plan`); a server starts once.
 *
 * - Its socket lives in a private directory of ours (PLUGIN_UNIX_SOCKET_DIR), removed at stop.
 * - Its stdout and stderr are always read (a full pipe would block it); the last few KB
 *   of stderr are kept for error messages, the rest is dropped.
 * - It dies with the process that started it, however that one ends: on Linux it is
 *   started through `setpriv --pdeathsig KILL` (the kernel kills it when its parent dies,
 *   even by SIGKILL, whatever it is doing); ProviderPool also stops it (SIGINT) on exit.
 * - It runs in a process group of its own, so a terminal's Ctrl-C reaches Terraform (which
 *   finishes in-flight calls and writes state) and not the server under it.
 * - Its provider logging is off (in debug mode the provider logs every call at trace
 *   level: megabytes per plan).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors } from '../errors';
import { processAlive } from '../process';
import { endpointOverrideVariables } from './emulator-profile';
import { providerSchemasDir } from './cli-config';
import type { ProviderProxy } from './provider-proxy';

/** The provider address whose server we run. */
export const AWS_PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';

/** Prefix of the private socket directories (one per server, in the temporary folder). */
export const SOCKET_DIR_PREFIX = 'fleetflags-provider-';

/**
 * Where the socket directories go: the temporary folder, unless its path is so long that the
 * socket's path would pass the Unix limit (108 bytes on Linux, 104 on macOS; the test runs'
 * nested temporary folders do), then /tmp. The socket is `<dir>/plugin<up to 10 digits>`.
 */
export function socketParent(tmpdir = os.tmpdir()): string {
  const socketPath = path.join(tmpdir, `${SOCKET_DIR_PREFIX}${process.pid}-XXXXXX`, 'plugin0123456789');
  return Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES || !existsSync('/tmp') ? tmpdir : '/tmp';
}

/** The shorter of the platforms' limits on a Unix socket's path, less its terminating zero. */
const MAX_SOCKET_PATH_BYTES = 103;

/** How long a server may take to print its reattach line (a loaded 2-core machine: seconds). */
export const PROVIDER_START_TIMEOUT_MS = 60_000;

/** How long a server that failed to start gets after SIGINT before SIGKILL. */
const START_FAILURE_GRACE_MS = 5000;

/** How much of a server's stderr is kept for error messages. */
const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * Variables a server is started without:
 * - AWS_CA_BUNDLE: the AWS provider 5.100.0 fails its second ConfigureProvider in one
 *   process when a custom CA bundle is set ("unable to add custom RootCAs HTTPClient, has
 *   no WithTransportOptions, *http.Client", measured). Servers run only offline and emulated
 *   configurations (provider-eligibility.ts), which use no CA bundle: offline makes no
 *   requests, the emulator is on loopback with `insecure`.
 * - TF_REATTACH_PROVIDERS, TF_DATA_DIR: per run, Terraform's, not the provider's.
 * - AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 *   (endpointOverrideVariables): they would overrule an emulated configuration's emulator
 *   profile; an offline one makes no requests. The runner removes them from emulated runs too.
 */
const DROPPED_ENV = ['AWS_CA_BUNDLE', 'TF_REATTACH_PROVIDERS', 'TF_DATA_DIR'];

/** Provider logging off: debug mode would log every call at trace level to stderr. */
const QUIET_ENV: Record<string, string> = {
  TF_LOG: 'off',
  TF_LOG_PROVIDER: 'off',
  TF_LOG_PROVIDER_AWS: 'off',
  TF_LOG_SDK: 'off',
  TF_LOG_SDK_PROTO: 'off',
  TF_LOG_SDK_FRAMEWORK: 'off',
  TF_LOG_SDK_HELPER_SCHEMA: 'off',
  TF_LOG_SDK_MUX: 'off',
};

let setprivPath: string | null | undefined;
/** `setpriv` when it can set a parent-death signal (util-linux, Linux only); null elsewhere. */
function setpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return null;
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    if (!existsSync(candidate)) continue;
    const help = spawnSync(candidate, ['--help'], { encoding: 'utf8' });
    if (`${help.stdout}${help.stderr}`.includes('--pdeathsig')) setprivPath = candidate;
    break;
  }
  return setprivPath;
}

/** The reattach value a `-debug` provider prints, for the AWS provider. */
export function parseReattachLine(stdout: string): string | undefined {
  const match = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(stdout);
  if (!match) return undefined;
  try {
    const parsed = JSON.parse(match[1]) as Record<string, { Addr?: { String?: string } }>;
    return parsed[AWS_PROVIDER_ADDRESS]?.Addr?.String ? match[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the socket directories of processes that are gone (one killed before it could
 * clean up: its servers died with it, by the parent-death signal). Returns the ones removed.
 * In a shared /tmp, only directories of the current user are touched, and an entry that
 * cannot be read or removed is left as it is.
 */
export function sweepStaleSocketDirs(tmpdir = socketParent(), uid = process.getuid?.()): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = new RegExp(`^${SOCKET_DIR_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!owner || Number(owner) === process.pid || processAlive(Number(owner))) continue;
    const dir = path.join(tmpdir, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours to remove: left as it is
    }
  }
  return removed;
}

/** The socket of a reattach value's AWS provider. */
export function reattachSocket(reattach: string): string {
  return (JSON.parse(reattach) as Record<string, { Addr: { String: string } }>)[AWS_PROVIDER_ADDRESS].Addr.String;
}

let swept = false;

export interface ProviderServerStartOptions {
  /** @default PROVIDER_START_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /**
   * Start it through `setpriv --pdeathsig KILL` where there is one (tests turn it off to
   * spawn the binary directly). @default true
   */
  readonly parentDeathSignal?: boolean;
  /**
   * Files to write into the server's working directory before it starts (name -> text): what
   * the configurations it serves name by a relative path (the emulator profile). @default none
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * Put a ProviderProxy in front of it (Terraform attaches to the proxy), which answers the
   * schema calls from a cache instead of the provider rebuilding them for every run.
   * A proxy that cannot start leaves the server running without it (one line on stderr).
   * @default true, unless FLEETFLAGS_PROVIDER_SCHEMA_CACHE is 0 (to compare, or to rule it out)
   */
  readonly schemaCache?: boolean;
  /** Where the proxy stores answers for other processes. @default providerSchemaCacheDir() */
  readonly schemaCacheDir?: string;
}

/** Set to 0: provider servers start without their schema-caching proxy. */
export const PROVIDER_SCHEMA_CACHE_ENV = 'FLEETFLAGS_PROVIDER_SCHEMA_CACHE';

/**
 * Where proxies store schema answers for other processes: `provider-schemas/grpc/` next to the
 * plugin cache (~/.cache/fleetflags/provider-schemas/grpc by default); the JSON schemas of
 * lib/plan/provider-schema.ts are in its parent. Safe to delete at any time.
 */
export function providerSchemaCacheDir(): string {
  return path.join(providerSchemasDir(), 'grpc');
}

/** The proxy's socket, next to the server's in the private directory. */
const PROXY_SOCKET = 'proxy.sock';

export class ProviderServer {
  /** Starts `binary -debug` and resolves once it listens. Rejects (and leaves nothing running) when it does not. */
  static async start(binary: string, env: NodeJS.ProcessEnv, options: ProviderServerStartOptions = {}): Promise<ProviderServer> {
    const timeoutMs = options.timeoutMs ?? PROVIDER_START_TIMEOUT_MS;
    if (!swept) {
      swept = true;
      sweepStaleSocketDirs();
    }
    const files = Object.entries(options.files ?? {});
    const badName = files.find(([name]) => name === '' || name !== path.basename(name) || name.startsWith('.'));
    if (badName) throw errors.providerServerFileName(badName[0]);
    const socketDir = mkdtempSync(path.join(socketParent(), `${SOCKET_DIR_PREFIX}${process.pid}-`));
    for (const [name, text] of files) writeFileSync(path.join(socketDir, name), text);
    const serverEnv: NodeJS.ProcessEnv = { ...env, ...QUIET_ENV, PLUGIN_UNIX_SOCKET_DIR: socketDir };
    for (const name of [...DROPPED_ENV, ...endpointOverrideVariables(serverEnv)]) delete serverEnv[name];
    const wrapper = options.parentDeathSignal === false ? null : setpriv();
    const [command, args] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', binary, '-debug']] : [binary, ['-debug']];
    // Its own working directory: the provider reads no files of a workdir for the configurations it
    // serves, but for the ones given (`files`, the emulator profile), copied here under the same name.
    // Its own process group (detached): a terminal's Ctrl-C (SIGINT to the foreground group) reaches
    // Terraform, which finishes its in-flight provider calls and writes state, not the server, which
    // would exit at once under it. It still never outlives us: the parent-death signal, and the pool's
    // stop at exit; nothing signals it by group (stop() signals its PID).
    const child = spawn(command, args, { cwd: socketDir, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const server = new ProviderServer(binary, child, socketDir);
    try {
      await server.listening(timeoutMs);
      if (options.schemaCache ?? process.env[PROVIDER_SCHEMA_CACHE_ENV] !== '0') {
        try {
          await server.startProxy(options.schemaCacheDir ?? providerSchemaCacheDir());
        } catch (e) {
          // The server works without it, only slower: Terraform attaches to the server itself.
          process.stderr.write(`${errors.providerSchemaCacheFallback((e as Error).message)}\n`);
        }
      }
    } catch (e) {
      // The normal stop: SIGINT, SIGKILL after the grace; it keeps no Node process alive meanwhile.
      server.child.unref();
      void server.stop(START_FAILURE_GRACE_MS);
      throw e;
    }
    return server;
  }

  /** The TF_REATTACH_PROVIDERS value that attaches Terraform to this server (through its proxy, if any). */
  reattach = '';
  /** The server's own socket. */
  private upstreamSocket = '';
  /** The schema-caching proxy in front of it, unless started without. */
  proxy: ProviderProxy | undefined;
  private stdout = '';
  private stderrTail = '';
  private exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<void>;

  private constructor(
    /** The provider binary (resolved, symlinks followed). */
    readonly binary: string,
    private readonly child: ChildProcess,
    private readonly socketDir: string,
  ) {
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (!this.reattach) this.stdout += chunk;
    });
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve();
      });
      child.on('error', (e) => {
        this.stderrTail += `\n${e.message}`;
        this.exitCode = -1;
        resolve();
      });
    });
  }

  /** The server's process ID (the provider itself: setpriv execs it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the process runs and its socket is there. */
  get alive(): boolean {
    if (this.exitCode !== undefined || !this.reattach) return false;
    return existsSync(this.upstreamSocket) && (!this.proxy || existsSync(this.proxy.socket));
  }

  /** The end of the server's stderr, for an error message. */
  get stderr(): string {
    return this.stderrTail;
  }

  private listening(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        cleanup();
        reject(errors.providerServerStart(this.binary, reason, this.stderrTail));
      };
      const onData = () => {
        const reattach = parseReattachLine(this.stdout);
        if (!reattach) return;
        cleanup();
        this.reattach = reattach;
        this.upstreamSocket = reattachSocket(reattach);
        this.stdout = '';
        // Running, it keeps no Node process alive: the pool stops it when the process exits.
        this.child.unref();
        (this.child.stdout as unknown as { unref?: () => void }).unref?.();
        (this.child.stderr as unknown as { unref?: () => void }).unref?.();
        resolve();
      };
      const onExit = () => fail(`it exited (${this.exitCode}) before it listened`);
      // A spawn that failed (ENOENT, EAGAIN) emits 'error' and no 'exit'.
      const onError = (e: Error) => fail(`it could not be started (${e.message})`);
      const timer = setTimeout(() => fail(`it printed no TF_REATTACH_PROVIDERS line within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout!.off('data', onData);
        this.child.off('exit', onExit);
        this.child.off('error', onError);
      };
      this.child.stdout!.on('data', onData);
      this.child.on('exit', onExit);
      this.child.on('error', onError);
    });
  }

  /** Starts the proxy and points `reattach` at it. */
  private async startProxy(cacheDir: string): Promise<void> {
    const stat = statSync(this.binary);
    // Loaded with the first proxy (http2, the schema filter), not by every importer of the runner.
    const { ProviderProxy: Proxy } = require('./provider-proxy') as typeof import('./provider-proxy');
    const proxy = await Proxy.start(this.upstreamSocket, path.join(this.socketDir, PROXY_SOCKET), `${this.binary} ${stat.size} ${stat.mtimeMs}`, cacheDir);
    try {
      const parsed = JSON.parse(this.reattach) as Record<string, { Addr: { Network: string; String: string } }>;
      parsed[AWS_PROVIDER_ADDRESS].Addr = { Network: 'unix', String: proxy.socket };
      this.reattach = JSON.stringify(parsed);
    } catch (e) {
      proxy.close();
      throw e;
    }
    this.proxy = proxy;
  }

  /**
   * Stops the server: SIGINT (it removes its socket and exits), SIGKILL if it is still there
   * after `graceMs`. Synchronous when graceMs is 0 (a process 'exit' handler). Removes the socket directory.
   */
  stop(graceMs = 0): Promise<void> {
    this.proxy?.close();
    if (this.exitCode === undefined && this.child.pid !== undefined) {
      try {
        this.child.kill('SIGINT');
      } catch {
        // already gone
      }
    }
    const done = () => rmSync(this.socketDir, { recursive: true, force: true });
    if (graceMs <= 0 || this.exitCode !== undefined) {
      done();
      return Promise.resolve();
    }
    const timer = setTimeout(() => {
      if (this.exitCode === undefined) this.child.kill('SIGKILL');
    }, graceMs);
    return this.exited.then(() => {
      clearTimeout(timer);
      done();
    });
  }

  /** Resolves when the process has exited. */
  whenExited(): Promise<void> {
    return this.exited;
  }
}
