/**
 * Issue 12 on the sandbox, end to end through the real scripts in a temporary git
 * repository: deploy → a fat-fingered desiredCapacity 2 → 200 is refused by the
 * ChangeSize guard (exit 10) → the same change with `Allow-Change-Size:
 * CapacityMoveWithinLimit` deploys, the override recorded → `npm run handoff`
 * reports the week from those real local deploy records.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { makeTempRepo, SHARED_BASELINE_CACHE, type TempRepo } from './temp-repo';

describe('sandbox: the ChangeSize and ErrorBudget guards, and the handoff', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeTempRepo();
  });
  afterAll(() => repo?.remove());

  const env = { FLEETFLAGS_BASELINE_CACHE: SHARED_BASELINE_CACHE };
  const deploy = (...args: string[]) => repo.run('scripts/deploy.ts', ['--env', 'sandbox', ...args], env);

  test('GIVEN a deployed sandbox WHEN desiredCapacity goes 2 → 200 THEN ChangeSize refuses (exit 10) and ErrorBudget states its policy', async () => {
    // GIVEN
    expect((await deploy()).code).toBe(0);
    repo.editFlags('sandbox', (f) => {
      f.ingest.desiredCapacity = 200;
      f.ingest.maxSize = 200;
    });
    repo.commitAll('Scale the sandbox');

    // WHEN
    const r = await deploy();

    // THEN
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/^block ChangeSize: non-compliant CapacityMoveWithinLimit: 2 size moves beyond ±10 instances and ±100%$/m);
    expect(r.stdout).toMatch(/flags\/sandbox\.json: \$\.ingest\.desiredCapacity: moves 2 → 200 \(\+198 instances, \+9900%\)/);
    expect(r.stdout).toMatch(/^pass  ErrorBudget: Honeycomb could not be asked .* proceed, the deploy goes ahead \(slos\.whenApiUnreachable = "proceed"\)$/m);
    expect(repo.readJson('out/deploy/sandbox.json')).toMatchObject({ outcome: 'guard-refused', exitCode: 10 });
  });

  test('GIVEN the same change with "Allow-Change-Size: CapacityMoveWithinLimit" WHEN deployed THEN it warns, deploys and records the override', async () => {
    repo.git('commit', '--allow-empty', '-q', '-m', 'Scale the sandbox on purpose\n\nAllow-Change-Size: CapacityMoveWithinLimit');

    const r = await deploy();

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^warn  ChangeSize: overridden CapacityMoveWithinLimit: /m);
    expect(repo.readJson('out/deploy/sandbox.json').overrides).toEqual([
      { guard: 'ChangeSize', trailer: 'Allow-Change-Size', value: 'CapacityMoveWithinLimit', commit: repo.git('rev-parse', 'HEAD') },
    ]);
  });

  test('GIVEN those deploys WHEN npm run handoff --env sandbox runs THEN it lists them, the refusal and why, and the override', async () => {
    const r = await repo.run('scripts/handoff.ts', ['--since', '1d', '--env', 'sandbox'], env);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\*\*3 deploys\*\* \(2 succeeded, 1 failed or refused\)/m);
    expect(r.stdout).toMatch(/by Ada Operator: \*\*guard-refused\*\*: ChangeSize: non-compliant CapacityMoveWithinLimit/);
    expect(r.stdout).toMatch(/- override `Allow-Change-Size: CapacityMoveWithinLimit` \(ChangeSize\)/);
    expect(r.stdout).toContain('`$.ingest.desiredCapacity: 2 → 200`');
  });
});
