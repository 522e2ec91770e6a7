import path from 'node:path';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { terraform } from '../../lib/terraform/runner';
import { tempDirs } from '../helpers/temp-dirs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const filter = require('../quick-filter.js') as ((paths: string[]) => Promise<{ filtered: string[] }>) & { INTEGRATION_TAG: RegExp; leadingComment: (file: string) => string };
const { INTEGRATION_TAG, leadingComment } = filter;
const tempDir = tempDirs();

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

  test('leaves out the suites tagged @integration (the AWS emulator, scripts end to end, hundreds of subprocesses), which npm test still runs', async () => {
    // GIVEN every suite WHEN filtered
    const { filtered } = await filter(all);
    const rel = (f: string) => path.relative(path.join(__dirname, '..'), f);
    // THEN the integration suites are out of test:quick
    const integration = [
      'bin/run.test.ts',
      'emulator/patches.test.ts',
      'lib/ci/workflow-lint.test.ts',
      'lib/deploy/rollback-access.test.ts',
      'lib/deploy/rollback.test.ts',
      'scripts/check-flags-cli.test.ts',
      'scripts/emulator.test.ts',
      'scripts/handoff.test.ts',
      'scripts/sandbox-missing-flags.test.ts',
      'stacks/main.test.ts',
      'tooling/jest-configs.test.ts',
      'tooling/temp-folder-run.test.ts',
      'tooling/typecheck.test.ts',
      'tooling/worker-exit.test.ts',
    ];
    expect(all.filter((f) => INTEGRATION_TAG.test(leadingComment(f))).map(rel).sort()).toEqual(integration);
    expect(filtered.map(rel)).toEqual(expect.not.arrayContaining(integration));
    // AND the unit suites that share their libraries stay in
    expect(filtered.map(rel)).toEqual(expect.arrayContaining(['lib/deploy/deploy.test.ts', 'lib/handoff/repeated-verdicts.test.ts']));
  });

  describe('no suite of test:quick starts a Node process of its own (a script end to end is @integration)', () => {
    // A call that starts Node, npm, npx or tsx (child_process, or zx's $), in a suite's own source with its
    // comments taken out. What library code a suite calls starts is not seen here.
    const NODE = String.raw`(?:node|npm|npx|tsx)`;
    const startsNode = new RegExp(
      [
        String.raw`\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*(?:['"\x60]${NODE}['"\x60]|process\.execPath)`,
        String.raw`\bexec(?:Sync)?\(\s*['"\x60]${NODE}\b`,
        String.raw`(?:^|[^.\w])fork\(|child_process\.fork\(`,
        String.raw`\$(?:\([^)]*\))?\x60${NODE}\b`,
      ].join('|'),
    );
    const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\x60])\/\/.*$/gm, '$1');
    const startsNodeIn = (text: string) => startsNode.test(withoutComments(text));

    test.each([
      "spawnSync('node', ['bin/run.mjs', 'scripts/check-flags.ts'])",
      'execFileSync(process.execPath, [script])',
      'spawn("npx", ["cdktf", "synth"])',
      "execSync('node bin/run.mjs scripts/plan.ts')",
      "fork('worker.js')",
      "child_process.fork('worker.js')",
      '$`node bin/run.mjs scripts/plan.ts`',
      '$({ cwd })`npm run plan`',
    ])('GIVEN %s THEN it is seen', (code) => {
      expect(startsNodeIn(code)).toBe(true);
    });

    test.each([
      "spawnSync('git', ['init'])",
      "execFileSync('sh', ['-c', 'true'])",
      "expect(args).toEqual(['bin/run.mjs', 'stacks/main.ts'])",
      "// spawnSync('node', ['bin/run.mjs'])",
      "/** runs `node bin/run.mjs`: spawnSync('node', ...) */ const x = 1;",
      "const url = 'https://example.com'; spawnSync('git', ['fetch'])",
      'w.uint32(10).fork().ldelim()',
    ])('GIVEN %s THEN it is not', (code) => {
      expect(startsNodeIn(code)).toBe(false);
    });

    test('GIVEN the suites test:quick runs WHEN their sources are read THEN none starts Node; the command-line suite does', async () => {
      const { filtered } = await filter(all);
      const rel = (f: string) => path.relative(path.join(__dirname, '..'), f);
      // (this suite aside: its examples above are strings that start Node)
      expect(filtered.filter((f) => f !== __filename && startsNodeIn(readFileSync(f, 'utf8'))).map(rel)).toEqual([]);
      expect(startsNodeIn(readFileSync(path.join(__dirname, '..', 'scripts', 'check-flags-cli.test.ts'), 'utf8'))).toBe(true);
    });
  });

  test('GIVEN a tag anywhere but the leading doc comment WHEN filtered THEN the suite stays in; in it, out', async () => {
    const dir = tempDir('quick-filter-');
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const tagged = write('tagged.test.ts', '/**\n * A suite.\n *\n * @integration: many git processes.\n */\ntest("x", () => {});\n');
    const later = write('later.test.ts', '/**\n * A suite.\n */\n// @integration in a later comment\n/**\n * @integration\n */\ntest("x", () => {});\n');
    const inText = write('in-text.test.ts', '/**\n * Not tagged: the words @integration and @terraform mid-line.\n */\ntest("x", () => {});\n');
    const { filtered } = await filter([tagged, later, inText]);
    expect(filtered).toEqual([later, inText]);
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
