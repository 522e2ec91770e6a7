/**
 * The AWS emulator the sandbox deploys to: moto's server, started by the project's
 * launcher (emulator/launcher.py, which applies one fidelity patch per moto defect),
 * on the loopback interface, as account 000000000000, seeded so that its default VPC
 * and subnets have the same IDs on every start. It speaks HTTPS with a certificate it
 * makes at each start: the stacks' buckets deny plain-HTTP requests, as they do on AWS.
 * Clients skip verifying that certificate; the flags allow only loopback endpoints.
 *
 * One emulator per state directory (`.fleetflags/`, FLEETFLAGS_STATE_DIR): its PID,
 * port, log and boot ID are recorded in `<state dir>/emulator.json`. Stop ends that
 * PID only. Every start has a new boot ID (GET /fleetflags/emulator), so a deploy can
 * tell that the emulator it deployed to has restarted and lost everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import https from 'node:https';
import net from 'node:net';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorErrors } from '../errors';
import { processAlive } from '../process';

export const DEFAULT_EMULATOR_PORT = 4566;
export const EMULATOR_HOST = '127.0.0.1';
export const EMULATOR_ACCOUNT = '000000000000';
/** The seed of moto's random IDs; flags/sandbox.json names the VPC and subnets it gives. */
export const EMULATOR_SEED = 1;
/** Credentials for the emulator. Not secrets: moto accepts any. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'fleetflags-emulator', secretAccessKey: 'fleetflags-emulator' } as const;
export const LAUNCHER = path.resolve(__dirname, '..', '..', 'emulator', 'launcher.py');
export const PYTHON_ENV = 'FLEETFLAGS_PYTHON';
export const INSTALL_HINT = 'pip install "moto[server]"';

/** What GET /fleetflags/emulator answers. */
export interface EmulatorInfo {
  readonly bootId: string;
  readonly moto: string;
  readonly account: string;
  readonly seed: number;
  /** The fidelity patches applied (emulator/launcher.py PATCHES). */
  readonly patches: readonly string[];
  readonly defects: Readonly<Record<string, boolean>>;
  readonly pid: number;
}

/** `<state dir>/emulator.json`. */
export interface EmulatorRecord {
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  readonly bootId: string;
  readonly startedAt: string;
  readonly log: string;
  readonly patches: readonly string[];
}

export function emulatorEndpoint(port: number): string {
  return `https://${EMULATOR_HOST}:${port}`;
}

/** The emulator's certificate is made at each start; the endpoint is on loopback, so it is not verified. */
export const emulatorHttpsAgent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });

export function recordFile(stateDir: string): string {
  return path.join(stateDir, 'emulator.json');
}

export function readRecord(stateDir: string): EmulatorRecord | undefined {
  const file = recordFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EmulatorRecord;
  } catch {
    return undefined;
  }
}

/** The emulator answering at `endpoint`, or undefined when nothing (or something else) answers. */
export function fetchEmulatorInfo(endpoint: string, timeoutMs = 2000): Promise<EmulatorInfo | undefined> {
  return new Promise((resolve) => {
    const req = https.get(`${endpoint}/fleetflags/emulator`, { agent: new https.Agent({ rejectUnauthorized: false }), timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          const info = JSON.parse(body) as Partial<EmulatorInfo>;
          resolve(res.statusCode === 200 && typeof info.bootId === 'string' ? (info as EmulatorInfo) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export interface EmulatorStatus {
  readonly running: boolean;
  readonly endpoint?: string;
  readonly record?: EmulatorRecord;
  readonly info?: EmulatorInfo;
  /** Why it is not running, when a record exists. */
  readonly reason?: string;
}

export async function emulatorStatus(stateDir: string): Promise<EmulatorStatus> {
  const record = readRecord(stateDir);
  if (!record) return { running: false, reason: 'no emulator recorded' };
  const info = await fetchEmulatorInfo(record.endpoint);
  if (info && info.bootId === record.bootId) return { running: true, endpoint: record.endpoint, record, info };
  const reason = !processAlive(record.pid)
    ? `process ${record.pid} has exited (log: ${record.log})`
    : info
      ? `${record.endpoint} answers with another emulator (boot ${info.bootId})`
      : `process ${record.pid} does not answer at ${record.endpoint}`;
  return { running: false, record, reason };
}

export interface StartOptions {
  readonly stateDir: string;
  /** @default 4566 */
  readonly port?: number;
  /** @default FLEETFLAGS_PYTHON, else "python3" */
  readonly python?: string;
  /** Patches not to apply (tests that show a defect). @default none */
  readonly without?: readonly string[];
  /** @default 90 */
  readonly timeoutSeconds?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

export interface StartResult {
  readonly endpoint: string;
  readonly record: EmulatorRecord;
  readonly info: EmulatorInfo;
  /** False when an emulator of this state directory was already running. */
  readonly started: boolean;
}

/** A TCP port nothing listens on at 127.0.0.1 right now (for emulators of tests and the bench). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, EMULATOR_HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function pythonOf(env: NodeJS.ProcessEnv = process.env): string {
  return env[PYTHON_ENV] || 'python3';
}

/** Fails with the install line when Python or moto's server is missing. */
export function checkMotoInstalled(python: string): void {
  const r = spawnSync(python, ['-c', 'import moto.server, flask, boto3; print(moto.__version__)'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw emulatorErrors.motoMissing(python, (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop() ?? '');
  }
}

/** Starts the emulator, or returns the one of this state directory that is running already. */
export async function startEmulator(options: StartOptions): Promise<StartResult> {
  const port = options.port ?? DEFAULT_EMULATOR_PORT;
  const endpoint = emulatorEndpoint(port);
  const status = await emulatorStatus(options.stateDir);
  if (status.running && status.record && status.info) {
    if (status.record.port !== port) throw emulatorErrors.alreadyRunningElsewhere(status.record.endpoint, port, status.record.pid);
    return { endpoint, record: status.record, info: status.info, started: false };
  }
  const other = await fetchEmulatorInfo(endpoint);
  if (other) throw emulatorErrors.portTaken(port, `another fleetflags emulator (PID ${other.pid}, boot ${other.bootId}) not recorded in ${recordFile(options.stateDir)}`);
  if (await portAnswers(port)) throw emulatorErrors.portTaken(port, 'a process that is not a fleetflags emulator');

  const python = options.python ?? pythonOf(options.env);
  checkMotoInstalled(python);
  mkdirSync(options.stateDir, { recursive: true });
  const logFile = path.join(options.stateDir, `emulator-${port}.log`);
  const fd = openSync(logFile, 'w');
  const args = [LAUNCHER, '--host', EMULATOR_HOST, '--port', String(port), '--seed', String(EMULATOR_SEED), '--account', EMULATOR_ACCOUNT, '--tls-dir', options.stateDir];
  for (const w of options.without ?? []) args.push('--without', w);
  const child = spawn(python, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' } });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw emulatorErrors.didNotStart(endpoint, 'the process did not start', logFile);
  options.log?.(`emulator: starting moto on ${endpoint} (PID ${pid}, log ${logFile})`);

  const deadline = Date.now() + (options.timeoutSeconds ?? 90) * 1000;
  let info: EmulatorInfo | undefined;
  while (Date.now() < deadline) {
    info = await fetchEmulatorInfo(endpoint, 1000);
    if (info && info.pid === pid) break;
    if (!processAlive(pid) || child.exitCode !== null) throw emulatorErrors.didNotStart(endpoint, 'the process exited', logFile, tail(logFile));
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!info || info.pid !== pid) {
    killGroup(pid);
    throw emulatorErrors.didNotStart(endpoint, `no answer within ${options.timeoutSeconds ?? 90} s`, logFile, tail(logFile));
  }
  const record: EmulatorRecord = { pid, port, endpoint, bootId: info.bootId, startedAt: new Date().toISOString(), log: logFile, patches: info.patches };
  writeFileSync(recordFile(options.stateDir), `${JSON.stringify(record, null, 2)}\n`);
  return { endpoint, record, info, started: true };
}

/** Stops the recorded emulator (that PID only); true when one was stopped. */
export async function stopEmulator(stateDir: string, timeoutSeconds = 15): Promise<boolean> {
  const record = readRecord(stateDir);
  if (!record) return false;
  rmSync(recordFile(stateDir), { force: true });
  if (!processAlive(record.pid)) return false;
  // Only a process that still is our emulator: a recycled PID is left alone.
  const info = await fetchEmulatorInfo(record.endpoint);
  if (!info || info.pid !== record.pid) return false;
  killGroup(record.pid);
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (processAlive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(record.pid)) killGroup(record.pid, 'SIGKILL');
  return true;
}

function killGroup(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** True when something accepts connections on the port. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: EMULATOR_HOST, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
