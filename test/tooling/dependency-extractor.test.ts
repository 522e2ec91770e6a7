/**
 * test/dependency-extractor.js: a module's `@reads` entries become dependencies jest can follow
 * from an edited flags file, doc or workflow back to the suites that read it; a bad entry is an
 * error that names the module, the entry and what is allowed.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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
    // GIVEN the repository's own flags/ and docs/
    const code = moduleReading('flags/*.json docs/operating.md');
    const file = path.join(ROOT, 'lib', 'flags', 'example.ts');
    // WHEN jest extracts its dependencies
    const dependencies = extractor.extract(code, file, () => new Set(['./x']));
    // THEN jest's own (the import) and one per flags file, then the doc
    const flagsFiles = readdirSync(path.join(ROOT, 'flags')).filter((n) => n.endsWith('.json')).sort();
    expect(flagsFiles.length).toBeGreaterThanOrEqual(4);
    expect([...dependencies]).toEqual(['./x', ...flagsFiles.map((n) => `../../flags/${n}`), '../../docs/operating.md']);
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

  test('GIVEN the tag outside the leading doc comment, or no comment WHEN read THEN no entries (the same place as the test:quick tags)', () => {
    expect(extractor.readsEntries("import x from './x';\n/**\n * @reads flags/sandbox.json\n */\n")).toEqual([]);
    expect(extractor.readsEntries("// @reads flags/sandbox.json\nimport x from './x';\n")).toEqual([]);
    expect(extractor.readsEntries('/**\n * Mentions @reads flags/sandbox.json mid-line.\n */\n')).toEqual([]);
  });

  test('GIVEN entries outside the read roots, of another extension, or matching nothing WHEN extracted THEN one error naming the module, each entry and what is allowed', () => {
    // GIVEN a module with four bad entries and a good one
    const repo = repoWith(['flags/sandbox.json', 'README.md', 'docs/operating.md']);
    const code = moduleReading('README.md flags/sandbox.json', '../flags/sandbox.json docs/operating.txt', 'docs/gone.md');
    const file = path.join(repo, 'test', 'lib', 'a.test.ts');
    // WHEN THEN
    let message = '';
    try {
      extractor.readsDependencies(code, file, repo);
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'test/lib/a.test.ts: "@reads README.md" names a file outside the folders jest can relate (allowed: flags/*.{json,md,yml}, ' +
        'docs/*.{json,md,yml}, .github/workflows/*.{json,md,yml}). Add the folder to READ_ROOTS in test/dependency-extractor.js, or drop the entry.',
    );
    expect(lines[1]).toContain('"@reads ../flags/sandbox.json" names a file outside');
    expect(lines[2]).toContain('"@reads docs/operating.txt" names a file outside');
    expect(lines[3]).toBe(
      'test/lib/a.test.ts: "@reads docs/gone.md" matches no file in the repository. Name the file as it is now (relative to the repository root), or drop the entry.',
    );
  });
});

describe('the cache key', () => {
  test('GIVEN the read roots WHEN a file is added to one THEN the key changes (jest extracts again: a new environment relates at once); the same tree, the same key', () => {
    const repo = repoWith(['flags/sandbox.json', 'docs/operating.md']);
    const before = extractor.cacheKey(repo);
    expect(extractor.cacheKey(repo)).toBe(before);
    writeFileSync(path.join(repo, 'flags', 'staging.json'), '{}\n');
    expect(extractor.cacheKey(repo)).not.toBe(before);
  });
});
