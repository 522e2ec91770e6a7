/**
 * test/dependency-extractor.js: a module's `@reads` entries become dependencies jest can follow
 * from an edited flags file, doc or workflow back to the suites that read it; a bad entry is an
 * error that names the module, the entry and what is allowed.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDirs } from '../helpers/temp-dirs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const extractor = require('../dependency-extractor.js') as {
  READ_ROOTS: string[];
  READ_EXTENSIONS: string[];
  readsEntries: (code: string) => string[];
  readsDependencies: (code: string, file: string, repo?: string) => string[];
  cacheKey: (repo?: string) => string;
  extract: (code: string, file: string, defaultExtract: (code: string, file: string) => Set<string>) => Set<string>;
};

const ROOT = path.join(__dirname, '..', '..');
const tempDir = tempDirs();

/** A repository with the given files (paths relative to it), for entries checked against a known tree. */
function repoWith(files: readonly string[]): string {
  const repo = tempDir('fleetflags-reads-');
  for (const file of files) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), '{}\n');
  }
  return repo;
}

const moduleReading = (...lines: string[]) => ['/**', ' * A module.', ' *', ...lines.map((l) => ` * @reads ${l}`), ' */', "import x from './x';", ''].join('\n');

describe('@reads entries', () => {
  test('GIVEN a module that reads the flags files and a doc WHEN extracted THEN its imports plus each file as a path from the module', () => {
    // GIVEN a repository with two flags files and a doc
    const repo = repoWith(['flags/sandbox.json', 'flags/dogfood.json', 'docs/operating.md', 'docs/flags.md']);
    const code = moduleReading('flags/*.json docs/operating.md');
    // WHEN its dependencies are read
    const dependencies = extractor.readsDependencies(code, path.join(repo, 'lib', 'flags', 'example.ts'), repo);
    // THEN one per flags file, in name order, then the doc (not the other one)
    expect(dependencies).toEqual(['../../flags/dogfood.json', '../../flags/sandbox.json', '../../docs/operating.md']);
  });

  test('GIVEN this repository WHEN jest extracts a module\'s dependencies THEN its imports first, then every flags file in flags/', () => {
    // GIVEN
    const code = moduleReading('flags/*.json');
    // WHEN
    const dependencies = extractor.extract(code, path.join(ROOT, 'lib', 'flags', 'example.ts'), () => new Set(['./x']));
    // THEN
    const flagsFiles = readdirSync(path.join(ROOT, 'flags')).filter((n) => n.endsWith('.json')).sort();
    expect(flagsFiles).toEqual(expect.arrayContaining(['dogfood.json', 'production.json', 'sandbox.json']));
    expect([...dependencies]).toEqual(['./x', ...flagsFiles.map((n) => `../../flags/${n}`)]);
  });

  test('GIVEN a one-line doc comment, or its closing on the tag\'s line WHEN read THEN the paths without the closing', () => {
    expect(extractor.readsEntries("/** @reads flags/sandbox.json */\nimport x from './x';\n")).toEqual(['flags/sandbox.json']);
    expect(extractor.readsEntries('/**\n * A module.\n * @reads flags/sandbox.json docs/flags.md */\n')).toEqual(['flags/sandbox.json', 'docs/flags.md']);
  });

  test('GIVEN a doc or a workflow (no module) WHEN jest extracts its dependencies THEN none, whatever code sample it shows', () => {
    // GIVEN a doc whose sample imports a module WHEN extracted
    const extract = (file: string) => [...extractor.extract("import x from './x';\n", path.join(ROOT, file), () => new Set(['./x']))];
    // THEN nothing from the doc or the workflow; a module's import stays
    expect(extract('docs/operating.md')).toEqual([]);
    expect(extract('.github/workflows/plan.yml')).toEqual([]);
    expect(extract('lib/x.ts')).toEqual(['./x']);
  });

  test('GIVEN entries on several lines, a workflow and a file in the module\'s own folder WHEN read THEN each, with a path jest resolves', () => {
    // GIVEN
    const repo = repoWith(['.github/workflows/plan.yml', '.github/workflows/deploy.yml', 'flags/sandbox.json']);
    const code = moduleReading('.github/workflows/plan.yml', 'flags/sandbox.json');
    // WHEN
    const fromWorkflows = extractor.readsDependencies(code, path.join(repo, '.github', 'workflows', 'x.ts'), repo);
    // THEN a file beside the module starts with ./ (a bare name would be a package to jest)
    expect(fromWorkflows).toEqual(['./plan.yml', '../../flags/sandbox.json']);
  });

  test('GIVEN a * in a file name WHEN expanded THEN the files it matches, not the ones it does not', () => {
    const repo = repoWith(['flags/sandbox.json', 'flags/staging.json', 'flags/production.json', 'flags/notes.md']);
    expect(extractor.readsDependencies(moduleReading('flags/s*.json'), path.join(repo, 'test', 'a.test.ts'), repo)).toEqual([
      '../flags/sandbox.json',
      '../flags/staging.json',
    ]);
  });

  test('GIVEN the tag outside the leading doc comment, after other words, or no comment WHEN read THEN no entries (the same place as the test:quick tags)', () => {
    expect(extractor.readsEntries("import x from './x';\n/**\n * @reads flags/sandbox.json\n */\n")).toEqual([]);
    expect(extractor.readsEntries("// @reads flags/sandbox.json\nimport x from './x';\n")).toEqual([]);
    expect(extractor.readsEntries('/**\n * Mentions @reads flags/sandbox.json mid-line.\n */\n')).toEqual([]);
  });

  test('GIVEN entries outside the read roots, of another extension, or matching nothing, and tag lines without paths WHEN extracted THEN one error naming the module, each entry and what is allowed', () => {
    // GIVEN a module with four bad entries, two bad tag lines and a good entry
    const repo = repoWith(['flags/sandbox.json', 'README.md', 'docs/operating.md']);
    const code = moduleReading('README.md flags/sandbox.json', '../flags/sandbox.json docs/operating.txt', 'docs/gone.md').replace(' */', ' * @reads\n * @reads: flags/sandbox.json\n */');
    const file = path.join(repo, 'test', 'lib', 'a.test.ts');
    // WHEN its dependencies are read
    let message = '';
    try {
      extractor.readsDependencies(code, file, repo);
    } catch (e) {
      message = (e as Error).message;
    }
    // THEN every problem, one line each: the tag lines first, then the entries in order
    const lines = message.split('\n');
    expect(lines).toHaveLength(6);
    const malformed = 'is not a list of paths. Write the tag first on a line of the leading doc comment, then the paths, separated by spaces: " * @reads flags/*.json".';
    expect(lines[0]).toBe(`test/lib/a.test.ts: "* @reads" ${malformed}`);
    expect(lines[1]).toBe(`test/lib/a.test.ts: "* @reads: flags/sandbox.json" ${malformed}`);
    expect(lines[2]).toBe(
      'test/lib/a.test.ts: "@reads README.md" names a file outside the folders jest can relate (allowed: flags/*.{json,md,yml}, ' +
        'docs/*.{json,md,yml}, .github/workflows/*.{json,md,yml}). Add the folder to READ_ROOTS in test/dependency-extractor.js, or drop the entry.',
    );
    expect(lines[3]).toContain('"@reads ../flags/sandbox.json" names a file outside');
    expect(lines[4]).toContain('"@reads docs/operating.txt" names a file outside');
    expect(lines[5]).toBe(
      'test/lib/a.test.ts: "@reads docs/gone.md" matches no file in the repository. Name the file as it is now (relative to the repository root), or drop the entry.',
    );
    // and jest's call stops on it too (jest prints it and exits 1)
    expect(() => extractor.extract(moduleReading('README.md'), path.join(ROOT, 'test', 'a.test.ts'), () => new Set())).toThrow(
      'test/a.test.ts: "@reads README.md" names a file outside the folders jest can relate',
    );
  });
});

describe('the cache key', () => {
  test('GIVEN the read roots WHEN a file is added to one, or removed THEN the key changes (jest extracts again: a new environment relates at once); the same tree, the same key', () => {
    // GIVEN
    const repo = repoWith(['flags/sandbox.json', 'docs/operating.md']);
    const before = extractor.cacheKey(repo);
    expect(extractor.cacheKey(repo)).toBe(before);
    // WHEN a flags file is added THEN
    writeFileSync(path.join(repo, 'flags', 'staging.json'), '{}\n');
    const added = extractor.cacheKey(repo);
    expect(added).not.toBe(before);
    // WHEN a doc is removed THEN
    rmSync(path.join(repo, 'docs', 'operating.md'));
    expect(extractor.cacheKey(repo)).not.toBe(added);
  });
});
