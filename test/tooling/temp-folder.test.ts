/**
 * The temporary-folder guard (test/temp-folder.ts, test/environment.ts,
 * test/global-setup.js and test/global-teardown.js): a jest run gets a TMPDIR of its
 * own, each suite a folder inside it, and a suite that leaves anything behind (itself,
 * or a process it started) fails, naming itself and what it left; nothing stays in the
 * temporary folder jest was started with. A whole jest run with it:
 * test/tooling/temp-folder-run.test.ts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { leftovers, makeSuiteFolder, removeCheckedFolder } from '../temp-folder';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();

describe('removeCheckedFolder', () => {
  test('GIVEN an empty suite folder WHEN checked THEN it is removed and nothing is thrown', () => {
    const base = tempDir('guard-');
    const folder = makeSuiteFolder(base, '/repo/test/lib/x.test.ts');
    expect(path.basename(folder)).toMatch(/^x\.test\.ts-/);
    expect(() => removeCheckedFolder(folder, 'test/lib/x.test.ts')).not.toThrow();
    expect(existsSync(folder)).toBe(false);
  });

  test('GIVEN a folder with a file and a directory left WHEN checked THEN the error names the suite and each entry, and the folder is removed', () => {
    const folder = makeSuiteFolder(tempDir('guard-'), 'y.test.ts');
    writeFileSync(path.join(folder, 'left.txt'), 'x');
    mkdirSync(path.join(folder, 'cdktf.outdir.abc', 'stacks'), { recursive: true });
    expect(leftovers(folder)).toEqual(['cdktf.outdir.abc/', 'left.txt']);
    expect(() => removeCheckedFolder(folder, 'test/lib/y.test.ts')).toThrow(
      /^test\/lib\/y\.test\.ts left 2 entries in its temporary folder .*: cdktf\.outdir\.abc\/, left\.txt; allowed: nothing .*fix: .*tempDirs\(\)/,
    );
    expect(existsSync(folder)).toBe(false);
  });

  test('GIVEN a folder that is gone WHEN checked THEN nothing is left and nothing thrown', () => {
    expect(leftovers(path.join(tempDir('guard-'), 'missing'))).toEqual([]);
  });
});
