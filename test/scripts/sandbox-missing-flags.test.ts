/**
 * Fail loudly: `npm run sandbox` without flags/sandbox.json is an error that names
 * the environments there are (it used to print nothing and exit 0).
 *
 * @integration: runs `npm run sandbox` end to end in a temporary copy of the project; left out of `npm run test:quick`.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../lib/errors';
import { makeTempRepo, type TempRepo } from '../e2e/temp-repo';
import { shippedEnvironments } from '../helpers/environments';

describe('npm run sandbox with no flags/sandbox.json', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeTempRepo();
  });
  afterAll(() => repo?.remove());

  test('exits 2, naming the environments that exist, and writes nothing', async () => {
    // GIVEN a clone whose sandbox flags file is gone
    rmSync(path.join(repo.dir, 'flags', 'sandbox.json'));

    // WHEN
    const r = await repo.run('scripts/sandbox.ts', []);

    // THEN
    expect(r.code).toBe(ExitCode.Usage);
    const others = shippedEnvironments().filter((e) => e !== 'sandbox');
    expect(r.stderr.startsWith(`Unknown environment "sandbox"; the environments are ${others.map((e) => JSON.stringify(e)).join(', ')} (one per flags/<environment>.json)`)).toBe(true);
    expect(r.stdout).toBe('');
    expect(existsSync(path.join(repo.dir, 'out'))).toBe(false);
  });
});
