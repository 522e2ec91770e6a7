/**
 * What `npm run plan` counts and prints per stack, and how it prepares its out dir, copies the
 * flags files and reads the manifest of a run before (lib/plan/plan-manifest.ts); merging two
 * runs' manifests is merge-manifests.test.ts.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../../lib/errors';
import type { LoadedFlags } from '../../../lib/flags/load';
import {
  copyFlags,
  countActions,
  describeCounts,
  describeStackResult,
  prepareOutDir,
  readPreviousManifest,
  type ManifestStack,
  type PlanManifest,
} from '../../../lib/plan/plan-manifest';
import { tempDirs } from '../../helpers/temp-dirs';

describe('the counts of a stack\'s plan', () => {
  test('GIVEN one change of each kind WHEN counted THEN a replacement counts once, as a replace, and the line lists each kind', () => {
    const plan = {
      resource_changes: [
        { change: { actions: ['create'] } },
        { change: { actions: ['update'] } },
        { change: { actions: ['delete', 'create'] } },
        { change: { actions: ['create', 'delete'] } },
        { change: { actions: ['delete'] } },
        { change: { actions: ['no-op'] } },
      ],
    };
    expect(countActions(plan)).toEqual({ create: 1, update: 1, replace: 2, delete: 1, forget: 0, move: 0, import: 0, output: 0, noop: 1 });
    expect(describeCounts(countActions(plan))).toBe('1 to create, 1 to update, 2 to replace, 1 to destroy');
    expect(describeCounts(countActions({ resource_changes: [] }))).toBe('no changes');
  });

  test('GIVEN a forget and a create-then-forget WHEN counted THEN two to forget, one to create, and the line says so (a forget-only plan is not "no changes")', () => {
    const plan = { resource_changes: [{ change: { actions: ['forget'] } }, { change: { actions: ['create', 'forget'] } }, { mode: 'data', change: { actions: ['read'] } }] };
    expect(countActions(plan)).toEqual({ create: 1, update: 0, replace: 0, delete: 0, forget: 2, move: 0, import: 0, output: 0, noop: 0 });
    expect(describeCounts(countActions(plan))).toBe('1 to create, 0 to update, 0 to replace, 0 to destroy, 2 to forget');
    expect(describeCounts(countActions({ resource_changes: [{ change: { actions: ['forget'] } }] }))).toBe('0 to create, 0 to update, 0 to replace, 0 to destroy, 1 to forget');
  });

  test('GIVEN the real Terraform plans of a moved block, an output change and an import block, each alone WHEN counted THEN none is "no changes", and the line names the move, the output or the import', () => {
    // GIVEN plans Terraform made (test/fixtures/plans): no resource action in either but no-op
    const fixture = (file: string) => JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/plans', file), 'utf8'));
    const moved = countActions(fixture('moved/sandbox-data.plan.json'));
    const outputs = countActions(fixture('terraform-data/outputs-only.json'));

    // THEN
    expect(moved).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, move: 1, output: 0 });
    expect(describeCounts(moved)).toBe('0 to create, 0 to update, 0 to replace, 0 to destroy, 1 to move');
    expect(outputs).toMatchObject({ create: 0, update: 0, move: 0, output: 1 });
    expect(describeCounts(outputs)).toBe('0 to create, 0 to update, 0 to replace, 0 to destroy, 1 output to change');
    // AND an import block's plan (real Terraform too), and two outputs
    expect(describeCounts(countActions(fixture('terraform-data/import-only.json')))).toBe('0 to create, 0 to update, 0 to replace, 0 to destroy, 1 to import');
    const outputs2 = { resource_changes: [], output_changes: { o1: { actions: ['create'] }, o2: { actions: ['delete'] } } };
    expect(describeCounts(countActions(outputs2))).toBe('0 to create, 0 to update, 0 to replace, 0 to destroy, 2 outputs to change');
    // AND the plan of no changes still says so
    expect(describeCounts(countActions(fixture('no-changes/sandbox-data.plan.json')))).toBe('no changes');
  });

  test('GIVEN a speculative stack with a prevent_destroy violation WHEN described THEN its base, time and the violation are on its line', () => {
    const s: ManifestStack = {
      stack: 'sandbox-data',
      environment: 'sandbox',
      planFile: 'sandbox-data.plan.json',
      speculative: true,
      mode: 'speculative',
      baseRef: 'origin/main',
      changed: true,
      counts: { create: 0, update: 0, delete: 1, replace: 0, forget: 0, move: 0, import: 0, output: 0, noop: 3 },
      preventDestroy: ['aws_dynamodb_table.LockTable'],
      seconds: 4,
    };
    expect(describeStackResult(s)).toBe('sandbox-data: 0 to create, 0 to update, 0 to replace, 1 to destroy [speculative, base origin/main, 4s] — prevent_destroy violated: aws_dynamodb_table.LockTable');
  });
});

describe('the out dir of npm run plan', () => {
  const temp = tempDirs();
  const manifest = (stacks: string[]): PlanManifest => ({
    version: 1,
    mode: 'speculative',
    baseRef: 'origin/main',
    changedSince: null,
    stacks: stacks.map((stack) => ({ stack, environment: 'sandbox', planFile: `${stack}.plan.json`, speculative: true, mode: 'speculative', baseRef: 'origin/main', changed: true, counts: { create: 1, update: 0, delete: 0, replace: 0, forget: 0, move: 0, import: 0, output: 0, noop: 0 }, preventDestroy: [], seconds: 1 })),
    baseFlags: {},
    headFlags: { sandbox: 'flags/head/sandbox.json' },
    unchanged: [],
  });

  test('GIVEN what a run before left (plans, manifest, flags) and Terraform work directories WHEN prepared THEN only the run\'s own files are gone', () => {
    // GIVEN
    const out = temp('fleetflags-out-');
    writeFileSync(path.join(out, 'sandbox-data.plan.json'), '{}');
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest(['sandbox-data'])));
    mkdirSync(path.join(out, 'flags', 'head'), { recursive: true });
    writeFileSync(path.join(out, 'flags', 'head', 'sandbox.json'), '{}');
    mkdirSync(path.join(out, 'plans', 'sandbox-data'), { recursive: true });
    writeFileSync(path.join(out, 'comment.md'), 'kept');

    // WHEN
    prepareOutDir(out);

    // THEN the work directories (init is costly) and files not of the plan stay
    expect(readdirSync(out).sort()).toEqual(['comment.md', 'plans']);
    // AND a missing out dir is made
    const fresh = path.join(temp('fleetflags-out-'), 'a', 'b');
    prepareOutDir(fresh);
    expect(readdirSync(fresh)).toEqual([]);
  });

  test('GIVEN head flags of two environments and a base of one WHEN copied for one environment THEN only its files are copied, byte for byte, and their paths are relative', () => {
    // GIVEN
    const src = temp('fleetflags-flags-');
    const file = (name: string, text: string) => (writeFileSync(path.join(src, name), text), path.join(src, name));
    const head = [
      { file: file('sandbox.json', '{"head": "sandbox"}\n'), environment: 'sandbox' },
      { file: file('dogfood.json', '{"head": "dogfood"}\n'), environment: 'dogfood' },
    ] as unknown as LoadedFlags[];
    const base = { dir: src, stacks: new Map(), environments: ['sandbox'], flagsFiles: new Map([['sandbox', file('base-sandbox.json', '{"base": 1}\n')]]) };
    const out = temp('fleetflags-out-');

    // WHEN
    const copied = copyFlags(out, head, base, ['sandbox']);

    // THEN
    expect(copied).toEqual({ headFlags: { sandbox: 'flags/head/sandbox.json' }, baseFlags: { sandbox: 'flags/base/sandbox.json' } });
    expect(readFileSync(path.join(out, 'flags/head/sandbox.json'), 'utf8')).toBe('{"head": "sandbox"}\n');
    expect(readFileSync(path.join(out, 'flags/base/sandbox.json'), 'utf8')).toBe('{"base": 1}\n');
    expect(readdirSync(path.join(out, 'flags/head'))).toEqual(['sandbox.json']);
    // AND no environment named: every environment's head file, and no base without a base ref
    expect(copyFlags(temp('fleetflags-out-'), head, undefined, [])).toEqual({ headFlags: { sandbox: 'flags/head/sandbox.json', dogfood: 'flags/head/dogfood.json' }, baseFlags: {} });
  });

  test('GIVEN an out dir with no manifest, and one with the manifest of a run before WHEN read for --append THEN none, then that manifest', () => {
    const out = temp('fleetflags-out-');
    expect(readPreviousManifest(out)).toBeUndefined();

    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest(['sandbox-data', 'sandbox-fleet'])));

    expect(readPreviousManifest(out)).toEqual(manifest(['sandbox-data', 'sandbox-fleet']));
  });

  test.each([
    ['cut short', '{"version": 1, "stacks": [', /not JSON: /],
    ['of another version', JSON.stringify({ version: 2, mode: 'speculative', baseRef: null, changedSince: null, stacks: [], baseFlags: {}, headFlags: {}, unchanged: [] }), /\$\.version: 2 \(Invalid input: expected 1\)/],
    ['without its stacks', JSON.stringify({ version: 1, mode: 'real', baseRef: null, changedSince: null, baseFlags: {}, headFlags: {}, unchanged: [] }), /\$\.stacks: missing \(/],
  ])('GIVEN a manifest.json %s WHEN read for --append THEN a usage error names the file and the problem, and says how to fix it', (_what, text, problem) => {
    // GIVEN
    const out = temp('fleetflags-out-');
    const file = path.join(out, 'manifest.json');
    writeFileSync(file, text);

    // WHEN / THEN
    expect(() => readPreviousManifest(out)).toThrow(expect.objectContaining({ exitCode: ExitCode.Usage }));
    expect(() => readPreviousManifest(out)).toThrow(`Cannot --append to ${file}: it is not a manifest an earlier \`npm run plan\` wrote:`);
    expect(() => readPreviousManifest(out)).toThrow(problem);
    expect(() => readPreviousManifest(out)).toThrow(`Fix: remove ${file}`);
  });
});
