/**
 * The deploy figures' table of `npm run bench` (lib/deploy/bench-deploy.ts). The
 * measurement itself runs the emulator and minutes of Terraform: it is the bench's.
 */
import { execFileSync } from 'node:child_process';
import { childrenCpuMs, DEPLOY_GOALS, formatDeployTable } from '../../../lib/deploy/bench-deploy';

describe('formatDeployTable', () => {
  it('GIVEN both figures WHEN formatted THEN each row has ours, the bare apply, the ratio and the goals', () => {
    const table = formatDeployTable({ firstDeploy: { oursMs: 150_000, bareMs: 120_000 }, oneFlag: { oursMs: 26_000, bareMs: 13_000 } });
    const rows = table.split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toBe(
      `| first deploy, both sandbox stacks, empty emulator | 150.0 s (goal ${DEPLOY_GOALS.firstDeploySeconds} s) | 120.0 s | 1.25x (goal ${DEPLOY_GOALS.overheadRatio}x) | not measured | \`npm run sandbox\` |`,
    );
    expect(rows[3]).toContain('| 26.0 s (goal 10 s) | 13.0 s | 2.00x (goal 1.3x) | not measured | `npm run deploy -- --env sandbox` |');
  });

  it('GIVEN CPU times, phases and Terraform processes WHEN formatted THEN the CPU column has both and their ratio, and the one-flag phases follow the table', () => {
    const table = formatDeployTable({
      firstDeploy: { oursMs: 150_000, bareMs: 120_000, oursCpuMs: 90_000, bareCpuMs: 60_000 },
      oneFlag: { oursMs: 26_000, bareMs: 13_000, oursCpuMs: 30_000, bareCpuMs: 15_000 },
      oneFlagPhases: [
        { phase: 'synth', seconds: 0.3 },
        { phase: 'plan', seconds: 9.25 },
      ],
      oneFlagTerraformProcesses: { plan: 2, show: 2, apply: 1 },
    });
    const rows = table.split('\n');
    expect(rows[2]).toContain('| 90.0 s / 60.0 s (1.50x) |');
    expect(rows[3]).toContain('| 30.0 s / 15.0 s (2.00x) |');
    expect(rows.slice(4)).toEqual([
      '',
      "one flag, phases (wall; the stacks' phases overlap): synth 0.30 s, plan 9.25 s",
      'one flag, Terraform processes: 5 (plan 2, show 2, apply 1); the bare apply: 1',
    ]);
  });
});

describe('formatDeployTable: the one-flag deploy against both stacks applied bare', () => {
  it('GIVEN the bare apply of both stacks at once WHEN formatted THEN a third row compares the same deploy with it, after the changed-stack row', () => {
    const table = formatDeployTable({
      firstDeploy: { oursMs: 150_000, bareMs: 120_000 },
      oneFlag: { oursMs: 14_000, bareMs: 10_000, oursCpuMs: 20_000, bareCpuMs: 12_000 },
      oneFlagBothStacks: { oursMs: 14_000, bareMs: 12_500, oursCpuMs: 20_000, bareCpuMs: 16_000 },
    });
    const rows = table.split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[3]).toMatch(/^\| one flag \(spot ratio\), end to end; bare: the changed stack alone \| 14\.0 s \(goal 10 s\) \| 10\.0 s \| 1\.40x/);
    expect(rows[4]).toBe(
      '| one flag, the same run; bare: both stacks at once, as `cdktf deploy sandbox-data sandbox-fleet` | 14.0 s (goal 10 s) | 12.5 s | 1.12x (goal 1.3x) | 20.0 s / 16.0 s (1.25x) | `npm run deploy -- --env sandbox` |',
    );
  });
});

describe('formatDeployTable: the load', () => {
  it('GIVEN the load average at each step WHEN formatted THEN one line after the table gives each step\'s start → end', () => {
    const table = formatDeployTable({
      firstDeploy: { oursMs: 150_000, bareMs: 120_000, load: { bare: { start: 9.04, end: 8.71 }, ours: { start: 8.7, end: 9.2 } } },
      oneFlag: { oursMs: 26_000, bareMs: 13_000, load: { bare: { start: 3.7, end: 3.3 }, ours: { start: 3.3, end: 2.96 } } },
    });
    expect(table.split('\n').slice(4)).toEqual([
      '',
      "load average (1 minute) at each step's start → end: first deploy: bare 9.0 → 8.7, fleetflags 8.7 → 9.2; one flag: bare 3.7 → 3.3, fleetflags 3.3 → 3.0",
    ]);
  });

  it('GIVEN no load recorded WHEN formatted THEN no load line', () => {
    const table = formatDeployTable({ firstDeploy: { oursMs: 1, bareMs: 1 }, oneFlag: { oursMs: 1, bareMs: 1 } });
    expect(table).not.toMatch(/load average/);
  });
});

describe('childrenCpuMs', () => {
  it('GIVEN a child that spins the CPU WHEN it has finished THEN its CPU time is counted', () => {
    const before = childrenCpuMs();
    execFileSync('sh', ['-c', 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done']);
    const after = childrenCpuMs();
    expect(before).toEqual(expect.any(Number));
    expect(after! - before!).toBeGreaterThan(50);
  });
});
