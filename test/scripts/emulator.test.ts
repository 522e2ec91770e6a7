/**
 * `npm run emulator -- start|stop|status`: starts the real AWS emulator (moto's server
 * with our patches) on a free port in a state directory of its own, and stops it.
 *
 * @integration: starts the AWS emulator (moto, Python): seconds of CPU; left out of `npm run test:quick`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../../lib/errors';
import { readRecord } from '../../lib/emulator/emulator';
import { processAlive } from '../../lib/process';
import { main } from '../../scripts/emulator';
import { freePort } from '../helpers/emulator';

describe('npm run emulator', () => {
  let stateDir: string;
  beforeAll(() => (stateDir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-emulator-cli-'))));
  afterAll(async () => {
    await main(['stop'], { env: { ...process.env, FLEETFLAGS_STATE_DIR: stateDir } });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts, reports and stops one emulator, by its recorded PID', async () => {
    // GIVEN a state directory with no emulator, and a free port
    const env = { ...process.env, FLEETFLAGS_STATE_DIR: stateDir };
    const port = await freePort();
    const lines: string[] = [];
    const print = (l: string) => lines.push(l);

    // WHEN it is started
    expect(await main(['start', '--port', String(port)], { env, print })).toBe(0);
    // THEN it prints the endpoint and records its PID
    const record = readRecord(stateDir)!;
    expect(lines.at(-1)).toBe(`https://127.0.0.1:${port}`);
    expect(record).toMatchObject({ port, endpoint: `https://127.0.0.1:${port}` });
    expect(processAlive(record.pid)).toBe(true);

    // WHEN started again: the same emulator, not a second one
    lines.length = 0;
    expect(await main(['start', '--port', String(port)], { env, print })).toBe(0);
    expect(lines[0]).toMatch(new RegExp(`^already running: .*PID ${record.pid}, boot ${record.bootId}`));

    // WHEN asked for its status
    lines.length = 0;
    expect(await main(['status'], { env, print })).toBe(0);
    expect(lines[0]).toMatch(new RegExp(`^running: https://127.0.0.1:${port} \\(PID ${record.pid}`));

    // WHEN stopped: the process is gone, and status says so with exit 1
    lines.length = 0;
    expect(await main(['stop'], { env, print })).toBe(0);
    expect(lines[0]).toBe(`stopped the emulator at https://127.0.0.1:${port} (PID ${record.pid})`);
    expect(processAlive(record.pid)).toBe(false);
    lines.length = 0;
    expect(await main(['status'], { env, print })).toBe(1);
    expect(lines[0]).toBe('not running: no emulator recorded');
  }, 120_000);

  it('refuses an unknown command with a usage error', async () => {
    await expect(main(['restart'])).rejects.toMatchObject({ exitCode: ExitCode.Usage, message: expect.stringMatching(/expected one command, start, stop or status; got "restart"/) });
  });

  it('refuses a port outside 1024-65535', async () => {
    await expect(main(['start', '--port', '80'])).rejects.toMatchObject({ exitCode: ExitCode.Usage, message: expect.stringMatching(/--port must be a whole number from 1024 to 65535; got "80"/) });
  });

  it('fails with the install line when moto is missing', async () => {
    const env = { ...process.env, FLEETFLAGS_STATE_DIR: stateDir, FLEETFLAGS_PYTHON: '/nonexistent/python3' };
    await expect(main(['start', '--port', String(await freePort())], { env })).rejects.toThrow(/fix: pip install "moto\[server\]"/);
  });
});
