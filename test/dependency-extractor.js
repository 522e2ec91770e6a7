/**
 * jest dependencyExtractor: a module's imports (jest's own extractor), plus the repository files
 * its leading doc comment names under `@reads`, so that `npm run test:quick -- -o` (and
 * `--changedSince`, `--findRelatedTests`) relate an edit of a flags file, a doc or a workflow to
 * the suites that read it. Without this, an edit of `flags/sandbox.json` (the change users make
 * most) ran no suite at all: jest knows only `import` and `require` edges.
 *
 * - A line of the comment starts with the tag and lists paths, separated by spaces (lib/flags/load.ts
 *   has one for the flags files); a tag line that lists none is an error. Paths are relative to the
 *   repository root; `*` may stand for any part of the file name (not of a folder). A module that
 *   reads a folder's files by default (lib/flags/load.ts) declares it there, and every suite that
 *   imports it, directly or not, is related to those files. The comment must open the file (as
 *   test/quick-filter.js reads its tags): a tag anywhere else is not seen.
 * - Only files in READ_ROOTS (which jest.config.js adds to jest's roots, so that jest sees their
 *   changes) with an extension in READ_EXTENSIONS (which it adds to moduleFileExtensions, so that
 *   jest keeps them in its file map): anything else could never relate, and is an error.
 * - An entry that matches no file is an error too (a renamed doc would leave a stale entry).
 * - jest caches what this returns per file until the file changes; the cache key covers this
 *   file and the list of files in each read root, so a new flags file (a new environment) is
 *   related from the next run on without any source changing. A deleted file relates to nothing
 *   (jest relates only files that exist); an entry naming it fails every run until it is dropped.
 *
 * Plain JavaScript: jest loads this in its file-map workers without a transform, so its errors
 * are made here (readsErrors), not in lib/errors/.
 */
const { createHash } = require('node:crypto');
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
/** The folders whose files a module may declare it reads (each one of jest's roots). */
const READ_ROOTS = ['flags', 'docs', '.github/workflows'];
/** The extensions of those files (each in jest's moduleFileExtensions). */
const READ_EXTENSIONS = ['json', 'md', 'yml'];

const LEADING_COMMENT = /^\s*\/\*\*[\s\S]*?\*\//;
/** A line of the comment whose first word is the tag (after ` * `, or `/**` on a one-line comment). */
const TAG_LINE = /^[ \t]*(?:\/\*\*|\*)[ \t]*@reads\b.*$/gm;
/** Such a line, well formed: the tag, a space, the paths (a one-line comment's closing `*\/` is not one). */
const READS_LINE = /^[ \t]*(?:\/\*\*|\*)[ \t]*@reads[ \t]+(\S.*?)[ \t]*(?:\*\/[ \t]*)?$/;

const readsErrors = {
  outsideReadRoots: (file, entry, repo) =>
    new Error(
      `${path.relative(repo, file)}: "@reads ${entry}" names a file outside the folders jest can relate ` +
        `(allowed: ${READ_ROOTS.map((r) => `${r}/*.{${READ_EXTENSIONS.join(',')}}`).join(', ')}). ` +
        'Add the folder to READ_ROOTS in test/dependency-extractor.js, or drop the entry.',
    ),
  malformed: (file, line, repo) =>
    new Error(
      `${path.relative(repo, file)}: "${line.trim()}" is not a list of paths. ` +
        'Write the tag first on a line of the leading doc comment, then the paths, separated by spaces: " * @reads flags/*.json".',
    ),
  matchesNothing: (file, entry, repo) =>
    new Error(
      `${path.relative(repo, file)}: "@reads ${entry}" matches no file in the repository. ` +
        'Name the file as it is now (relative to the repository root), or drop the entry.',
    ),
};

/** The `@reads` lines of a module's leading doc comment: the paths of each, or null for one that lists none. */
function readsLines(code) {
  const comment = LEADING_COMMENT.exec(code);
  if (!comment) return [];
  return [...comment[0].matchAll(TAG_LINE)].map(([line]) => {
    const paths = READS_LINE.exec(line);
    return { line, entries: paths ? paths[1].split(/\s+/) : null };
  });
}

/** The `@reads` entries of a module's leading doc comment, as written (malformed lines left out). */
function readsEntries(code) {
  return readsLines(code).flatMap((l) => l.entries ?? []);
}

/** The repository files an entry names (absolute paths); throws when it names none, or any outside READ_ROOTS. */
function expandEntry(file, entry, repo) {
  const dir = path.posix.dirname(entry);
  const name = path.posix.basename(entry);
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if (!READ_ROOTS.includes(dir) || !READ_EXTENSIONS.includes(extension) || path.posix.normalize(entry) !== entry) {
    throw readsErrors.outsideReadRoots(file, entry, repo);
  }
  const pattern = new RegExp(`^${name.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  let names = [];
  try {
    names = readdirSync(path.join(repo, dir)).filter((n) => pattern.test(n));
  } catch {
    // A missing folder matches nothing.
  }
  if (names.length === 0) throw readsErrors.matchesNothing(file, entry, repo);
  return names.sort().map((n) => path.join(repo, dir, n));
}

/** The specifiers jest resolves from `file` (in `repo`) for its `@reads` entries ("../../flags/sandbox.json"); throws naming every bad entry. */
function readsDependencies(code, file, repo = REPO) {
  const problems = [];
  const lines = readsLines(code);
  for (const { line, entries } of lines) if (!entries) problems.push(readsErrors.malformed(file, line, repo).message);
  const targets = lines.flatMap((l) => l.entries ?? []).flatMap((entry) => {
    try {
      return expandEntry(file, entry, repo);
    } catch (e) {
      problems.push(e.message);
      return [];
    }
  });
  // Every bad entry of the file at once, not the first only.
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return targets.map((target) => {
    const relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
    return relative.startsWith('.') ? relative : `./${relative}`;
  });
}

/** This file and the names in each read root of `repo`: what the extracted dependencies depend on besides a module's own text. */
function cacheKey(repo = REPO) {
  const hash = createHash('sha1').update(readFileSync(__filename));
  for (const root of READ_ROOTS) {
    let names = [];
    try {
      names = readdirSync(path.join(repo, root)).sort();
    } catch {
      // A missing folder lists nothing.
    }
    hash.update(`\0${root}\0${names.join('\0')}`);
  }
  return hash.digest('hex');
}

module.exports = {
  extract(code, filePath, defaultExtract) {
    // A doc or a workflow is no module: jest's extractor would take a code sample in it for an import.
    if (READ_EXTENSIONS.some((ext) => ext !== 'json' && filePath.endsWith(`.${ext}`))) return new Set();
    const dependencies = defaultExtract(code, filePath);
    for (const dependency of readsDependencies(code, filePath)) dependencies.add(dependency);
    return dependencies;
  },
  getCacheKey: () => cacheKey(),
  READ_ROOTS,
  READ_EXTENSIONS,
  readsEntries,
  readsDependencies,
  cacheKey,
};
