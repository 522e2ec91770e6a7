import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, FlagsInvalidError, formatProblem } from '../../../lib/errors';
import { flagsFiles, loadFlagsFiles, loadFlagsOrThrow, selectEnvironments } from '../../../lib/flags/load';
import { tempDirs } from '../../helpers/temp-dirs';
import { shippedEnvironments } from '../../helpers/environments';

const tempDir = tempDirs();

describe('loading flags files', () => {
  it('loads every shipped environment', () => {
    const loaded = loadFlagsOrThrow(flagsFiles('flags'));
    expect(loaded.map((l) => l.environment)).toEqual(shippedEnvironments());
    expect(loaded.map((l) => l.environment)).toEqual(expect.arrayContaining(['sandbox', 'dogfood', 'production']));
  });

  it('lists flags/<env>.json files but not schema.json', () => {
    expect(flagsFiles('flags')).toEqual(shippedEnvironments().map((e) => `flags/${e}.json`));
    expect(flagsFiles('flags')).not.toContain('flags/schema.json');
  });

  it('collects every problem of every file, not only the first', () => {
    // GIVEN two files, each with two mistakes
    const dir = tempDir('flags-');
    const sandbox = JSON.parse(require('node:fs').readFileSync('flags/sandbox.json', 'utf8'));
    writeFileSync(path.join(dir, 'one.json'), JSON.stringify({ ...sandbox, environment: 'one', arch: 'sparc', lockTable: { backfillMinutes: 0 } }));
    writeFileSync(path.join(dir, 'two.json'), JSON.stringify({ ...sandbox, environment: 'two', naming: { prefix: 'x' }, extra: true }));

    // WHEN they are loaded
    const { loaded, problems } = loadFlagsFiles(flagsFiles(dir));

    // THEN all four problems are reported and nothing is loaded
    expect(loaded).toEqual([]);
    expect(problems.map((p) => `${path.basename(p.file)} ${p.path}`)).toEqual([
      'one.json $.lockTable.backfillMinutes',
      'one.json $.arch',
      'two.json $.naming.prefix',
      'two.json $.extra',
    ]);
  });

  it('throws FlagsInvalidError with one line per problem', () => {
    const dir = tempDir('flags-');
    writeFileSync(path.join(dir, 'sandbox.json'), '{ "environment": "sandbox" ');
    expect(() => loadFlagsOrThrow(flagsFiles(dir))).toThrow(FlagsInvalidError);
    try {
      loadFlagsOrThrow(flagsFiles(dir));
    } catch (e) {
      const err = e as FlagsInvalidError;
      expect(err.exitCode).toBe(3);
      expect(err.message.split('\n')[1]).toBe(formatProblem(err.problems[0]));
      expect(err.message).toMatch(/sandbox\.json: \$: not valid JSON \(.*at line 1, column 28\)/);
    }
  });

  it('GIVEN a flags file WHEN loaded THEN the entry keeps its JSON as written, and a later change to the file does not reach it', () => {
    // GIVEN the sandbox's file, as written (no defaults)
    const dir = tempDir('flags-');
    const text = require('node:fs').readFileSync('flags/sandbox.json', 'utf8') as string;
    const file = path.join(dir, 'sandbox.json');
    writeFileSync(file, text);

    // WHEN it is loaded, then changed on disk (a checkout during a deploy)
    const [entry] = loadFlagsOrThrow([file]);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(text), arch: 'changed' }));

    // THEN the entry has what was loaded: the file's JSON, not the schema's defaults nor the new file
    expect(entry.source).toEqual(JSON.parse(text));
    expect(entry.source).not.toEqual(entry.flags);
  });

  it('explains a missing flags directory', () => {
    expect(() => flagsFiles('/nonexistent/flags')).toThrow(/No flags files found in \/nonexistent\/flags/);
  });

  it('a flags file that does not exist is one problem naming the files that do', () => {
    // GIVEN a file name with no file
    // WHEN it is loaded
    const { problems } = loadFlagsFiles(['flags/stagin.json']);
    // THEN
    expect(problems.map(formatProblem)).toEqual([
      `flags/stagin.json: $: no such flags file; got nothing; allowed: one of the existing flags files: ${flagsFiles('flags').join(', ')}; fix: name an existing file, or create this one (README: Adding an environment)`,
    ]);
  });

  it('selecting an environment that has no flags file is an error naming the environments there are', () => {
    const loaded = loadFlagsOrThrow(flagsFiles('flags'));
    expect(selectEnvironments(loaded, ['sandbox']).map((l) => l.environment)).toEqual(['sandbox']);
    expect(() => selectEnvironments(loaded, ['stagin'])).toThrow(
      expect.objectContaining({ exitCode: ExitCode.Usage, message: expect.stringContaining(`Unknown environment "stagin"; the environments are ${shippedEnvironments().map((e) => JSON.stringify(e)).join(', ')}`) }),
    );
  });
});

