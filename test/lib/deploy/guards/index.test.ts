import { allGuards, formatGuardResults, runGuards, type Guard } from '../../../../lib/deploy/guards';
import { contextFor } from '../helpers';

const fixed = (id: string, outcome: 'pass' | 'warn' | 'block'): Guard => ({
  id,
  description: id,
  run: async () => ({ guard: id, outcome, message: `${id} says ${outcome}` }),
});

describe('runGuards', () => {
  test('runs every guard, and any block blocks', async () => {
    const report = await runGuards([fixed('A', 'pass'), fixed('B', 'block'), fixed('C', 'warn')], contextFor('dogfood'));

    expect(report.blocked).toBe(true);
    expect(report.results.map((r) => r.outcome)).toEqual(['pass', 'block', 'warn']);
    expect(formatGuardResults(report.results)).toBe('pass  A: A says pass\nblock B: B says block\nwarn  C: C says warn');
  });

  test('warnings alone do not block', async () => {
    expect((await runGuards([fixed('A', 'pass'), fixed('C', 'warn')], contextFor('dogfood'))).blocked).toBe(false);
  });

  test('a guard that throws blocks, with its error', async () => {
    const broken: Guard = { id: 'Broken', description: '', run: async () => Promise.reject(new Error('boom')) };

    const report = await runGuards([broken], contextFor('dogfood'));

    expect(report.blocked).toBe(true);
    expect(report.results[0].message).toMatch(/cannot vouch for the deploy: boom/);
  });
});

test('the pack has one guard per concern, with unique ids', () => {
  const ids = allGuards().map((g) => g.id);
  expect(ids).toEqual(['DeploysForwardOnly', 'DeployNotFrozen', 'StatefulChangesAllowed', 'CatchUpNotExpired', 'ArtifactsPublished', 'ErrorBudget', 'ChangeSize']);
});
