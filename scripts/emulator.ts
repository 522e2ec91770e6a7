/**
 * npm run emulator -- start|stop|status [--port <n>]
 *
 * The AWS emulator the sandbox deploys to (lib/emulator/emulator.ts): start binds
 * 127.0.0.1 (port 4566 unless --port), account 000000000000, seeded, waits until it
 * answers, records its PID in <state dir>/emulator.json and prints the endpoint; stop
 * ends that PID only; status says whether it runs and where. Exit 1 from status when
 * it does not run.
 */
import { parseCommandLine } from '../lib/cli';
import { errors } from '../lib/errors';
import { DEFAULT_EMULATOR_PORT, emulatorStatus, startEmulator, stopEmulator } from '../lib/emulator/emulator';
import { stateDir } from '../lib/state-dir';

const USAGE = 'npm run emulator -- start|stop|status [--port <n>]';

export interface EmulatorMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
  readonly repoDir?: string;
}

export async function main(args: readonly string[], options: EmulatorMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, positionals, help } = parseCommandLine<{ port?: string }>(args, {
    usage: USAGE,
    options: { port: { type: 'string' } },
    allowPositionals: true,
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (!command || rest.length > 0 || !['start', 'stop', 'status'].includes(command)) {
    throw errors.usage(`expected one command, start, stop or status; got ${JSON.stringify(positionals.join(' '))}`, USAGE);
  }
  const port = values.port === undefined ? DEFAULT_EMULATOR_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw errors.usage(`--port must be a whole number from 1024 to 65535; got ${JSON.stringify(values.port)}`, USAGE);
  }
  const dir = stateDir(options.repoDir, env);
  if (command === 'start') {
    const r = await startEmulator({ stateDir: dir, port, env, log: print });
    print(`${r.started ? 'started' : 'already running'}: ${r.endpoint} (PID ${r.record.pid}, boot ${r.record.bootId}, moto ${r.info.moto}, account ${r.info.account})`);
    print(`patches: ${r.info.patches.join(', ') || 'none (this moto has none of the known defects)'}`);
    print(r.endpoint);
    return 0;
  }
  if (command === 'stop') {
    const status = await emulatorStatus(dir);
    const stopped = await stopEmulator(dir);
    print(stopped ? `stopped the emulator at ${status.record?.endpoint} (PID ${status.record?.pid})` : `no emulator running (${status.reason ?? 'recorded one had exited'})`);
    return 0;
  }
  const status = await emulatorStatus(dir);
  if (status.running && status.record && status.info) {
    print(`running: ${status.endpoint} (PID ${status.record.pid}, boot ${status.info.bootId}, since ${status.record.startedAt}, moto ${status.info.moto})`);
    print(`patches: ${status.info.patches.join(', ') || 'none'}`);
    return 0;
  }
  print(`not running: ${status.reason}`);
  return 1;
}
