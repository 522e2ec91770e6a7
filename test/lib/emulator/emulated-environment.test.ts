/**
 * A restarted emulator is empty (lib/emulator/emulated-environment.ts): the sandbox
 * starts over, and that includes its kept Terraform data directories, so the next
 * deploy runs `terraform init` again. The emulator's answer is a stand-in here
 * (fetchInfo); the real one: test/e2e/sandbox-lifecycle.test.ts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeployedStore } from '../../../lib/deploy/deployed-store';
import { prepareEmulatedEnvironment, recordBoot } from '../../../lib/emulator/emulated-environment';
import type { EmulatorInfo } from '../../../lib/emulator/emulator';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();
const ENDPOINT = 'https://127.0.0.1:4566';

describe('prepareEmulatedEnvironment', () => {
  test('GIVEN a sandbox deployed against boot A WHEN the emulator answers as boot B THEN its state, last deploy and Terraform data directories are gone', async () => {
    // GIVEN
    const store = deployedSandbox('boot-a');

    // WHEN
    const lines: string[] = [];
    const prepared = await prepareEmulatedEnvironment({ environment: 'sandbox', endpoint: ENDPOINT, store, log: (l) => lines.push(l), fetchInfo: answer('boot-b') });

    // THEN
    expect(prepared.startedOver).toBe(true);
    expect(store.stateFiles('sandbox')).toEqual([]);
    expect(store.lastDeploy('sandbox')).toBeUndefined();
    expect(existsSync(store.terraformDataDir('sandbox', 'sandbox-data'))).toBe(false);
    expect(existsSync(store.terraformDataDir('sandbox', 'sandbox-fleet'))).toBe(false);
    expect(lines.join('\n')).toMatch(/restarted since the last deploy of sandbox \(boot boot-a → boot-b\).*starts over/);
  });

  test('GIVEN a sandbox deployed against boot A WHEN the emulator answers as boot A THEN everything is kept', async () => {
    const store = deployedSandbox('boot-a');

    const prepared = await prepareEmulatedEnvironment({ environment: 'sandbox', endpoint: ENDPOINT, store, fetchInfo: answer('boot-a') });

    expect(prepared.startedOver).toBe(false);
    expect(store.stateFiles('sandbox')).toHaveLength(2);
    expect(existsSync(store.terraformDataDir('sandbox', 'sandbox-fleet'))).toBe(true);
  });
});

function deployedSandbox(bootId: string): DeployedStore {
  const store = new DeployedStore(tempDir('emulated-env-'));
  for (const stack of ['sandbox-data', 'sandbox-fleet']) {
    mkdirSync(store.terraformDataDir('sandbox', stack), { recursive: true });
    writeFileSync(path.join(store.terraformDataDir('sandbox', stack), 'fleetflags-init.json'), '{}');
    writeFileSync(path.join(store.dir('sandbox'), `${stack}.tfstate`), '{}');
  }
  store.recordDeploy({ environment: 'sandbox', commit: 'a1', deployedAt: '2026-11-27T10:00:00.000Z', flags: {}, stacks: ['sandbox-data', 'sandbox-fleet'], endpoint: ENDPOINT });
  recordBoot(store, 'sandbox', { endpoint: ENDPOINT, bootId });
  return store;
}

function answer(bootId: string): () => Promise<EmulatorInfo> {
  return async () => ({ bootId }) as EmulatorInfo;
}
