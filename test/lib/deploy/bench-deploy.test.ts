/**
 * The deploy figures' table of `npm run bench` (lib/deploy/bench-deploy.ts). The
 * measurement itself runs the emulator and minutes of Terraform: it is the bench's.
 */
import { DEPLOY_GOALS, formatDeployTable } from '../../../lib/deploy/bench-deploy';

describe('formatDeployTable', () => {
  it('GIVEN both figures WHEN formatted THEN each row has ours, the bare apply, the ratio and the goals', () => {
    const table = formatDeployTable({ firstDeploy: { oursMs: 150_000, bareMs: 120_000 }, oneFlag: { oursMs: 26_000, bareMs: 13_000 } });
    const rows = table.split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toBe(
      `| first deploy, both sandbox stacks, empty emulator | 150.0 s (goal ${DEPLOY_GOALS.firstDeploySeconds} s) | 120.0 s | 1.25x (goal ${DEPLOY_GOALS.overheadRatio}x) | \`npm run sandbox\` |`,
    );
    expect(rows[3]).toContain('| 26.0 s (goal 10 s) | 13.0 s | 2.00x (goal 1.3x) | `npm run deploy -- --env sandbox` |');
  });
});
