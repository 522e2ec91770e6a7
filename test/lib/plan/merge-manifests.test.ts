/**
 * plan.yml plans each environment with its own plan role (its own account), one
 * `npm run plan -- --append` each, into one manifest the comment is rendered from.
 */
import { mergeManifests, type ManifestStack, type PlanManifest } from '../../../lib/plan/plan-manifest';

const stack = (name: string, mode: 'real' | 'speculative', create = 0): ManifestStack => ({
  stack: name,
  environment: name.split('-')[0],
  planFile: `${name}.plan.json`,
  speculative: mode === 'speculative',
  mode,
  baseRef: mode === 'speculative' ? 'origin/main' : null,
  changed: true,
  counts: { create, update: 0, delete: 0, replace: 0, forget: 0, move: 0, import: 0, output: 0, noop: 0 },
  preventDestroy: [],
  seconds: 1,
});

const manifest = (mode: 'real' | 'speculative', env: string, stacks: ManifestStack[], unchanged: string[]): PlanManifest => ({
  version: 1,
  mode,
  baseRef: 'origin/main',
  changedSince: 'origin/main',
  stacks,
  baseFlags: { [env]: `flags/base/${env}.json` },
  headFlags: { [env]: `flags/head/${env}.json` },
  unchanged,
});

describe('npm run plan -- --append', () => {
  test('GIVEN the sandbox planned speculatively, then dogfood and production each with its own role WHEN merged THEN one manifest holds every stack and flags file', () => {
    // GIVEN three runs into one out dir
    const sandbox = manifest('speculative', 'sandbox', [stack('sandbox-fleet', 'speculative')], ['sandbox-data']);
    const dogfood = manifest('real', 'dogfood', [stack('dogfood-fleet', 'real', 1)], ['dogfood-data']);
    const production = manifest('real', 'production', [], ['production-data', 'production-fleet']);

    // WHEN appended one after the other
    const merged = mergeManifests(mergeManifests(sandbox, dogfood), production);

    // THEN
    expect(merged.mode).toBe('real');
    expect(merged.stacks.map((s) => [s.stack, s.mode])).toEqual([
      ['dogfood-fleet', 'real'],
      ['sandbox-fleet', 'speculative'],
    ]);
    expect(merged.unchanged).toEqual(['dogfood-data', 'production-data', 'production-fleet', 'sandbox-data']);
    expect(Object.keys(merged.headFlags).sort()).toEqual(['dogfood', 'production', 'sandbox']);
    expect(Object.keys(merged.baseFlags).sort()).toEqual(['dogfood', 'production', 'sandbox']);
  });

  test('GIVEN a stack planned again WHEN merged THEN its new entry replaces the old one and it is no longer "unchanged"', () => {
    const first = manifest('real', 'dogfood', [stack('dogfood-fleet', 'real', 1)], ['dogfood-data']);
    const again = manifest('real', 'dogfood', [stack('dogfood-fleet', 'real', 5), stack('dogfood-data', 'real', 2)], []);
    const merged = mergeManifests(first, again);
    expect(merged.stacks.map((s) => [s.stack, s.counts.create])).toEqual([
      ['dogfood-data', 2],
      ['dogfood-fleet', 5],
    ]);
    expect(merged.unchanged).toEqual([]);
  });
});
