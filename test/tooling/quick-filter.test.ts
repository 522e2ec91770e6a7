import path from 'node:path';
import { readdirSync } from 'node:fs';
import { terraform } from '../../lib/terraform/runner';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const filter = require('../quick-filter.js') as (paths: string[]) => Promise<{ filtered: string[] }>;

const suites = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? suites(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
  );

describe('npm run test:quick', () => {
  const all = suites(path.join(__dirname, '..'));

  test('leaves out exactly the suites tagged @terraform, and keeps the rest', async () => {
    // GIVEN every suite WHEN filtered
    const { filtered } = await filter(all);
    const left = all.filter((f) => !filtered.includes(f)).map((f) => path.relative(path.join(__dirname, '..'), f)).sort();
    // THEN the Terraform suites are out, the unit suites (this one among them) in
    expect(left).toEqual(
      expect.arrayContaining([
        'e2e/rollback.test.ts',
        'e2e/sandbox-lifecycle.test.ts',
        'lib/plan/speculative.test.ts',
        'scripts/plan.test.ts',
        'stacks/fleet-matrix.test.ts',
        'stacks/fleet-plan-regressions.test.ts',
        'stacks/terraform.test.ts',
      ]),
    );
    expect(filtered).toContain(__filename);
    expect(filtered.length).toBeGreaterThan(left.length);
  });

  test('with FLEETFLAGS_NO_TERRAFORM=1, Terraform is refused with the fix', async () => {
    const saved = process.env.FLEETFLAGS_NO_TERRAFORM;
    process.env.FLEETFLAGS_NO_TERRAFORM = '1';
    try {
      await expect(terraform(['version'], { cwd: __dirname })).rejects.toThrow(/terraform version refused: FLEETFLAGS_NO_TERRAFORM=1.*tag the suite .*@terraform/s);
    } finally {
      if (saved === undefined) delete process.env.FLEETFLAGS_NO_TERRAFORM;
      else process.env.FLEETFLAGS_NO_TERRAFORM = saved;
    }
  });
});
