/**
 * The temporary-folder guard of a jest run: the run gets its own TMPDIR
 * (test/global-setup.js), every suite a folder of its own inside it
 * (test/environment.ts), and a suite that leaves anything there fails,
 * naming itself and what it left. `os.tmpdir()` reads TMPDIR on every call, so
 * the libraries a suite calls and the scripts it starts write there too.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { testToolingErrors } from '../lib/errors';

/** The run's folder (under the TMPDIR jest was started with), made by the global setup. */
export const RUN_FOLDER_PREFIX = 'fleetflags-jest-run-';

/** A folder for one suite inside `base`, named after the suite's file (`fleet-stack.test.ts-Ab12Cd`). */
export function makeSuiteFolder(base: string, testPath: string): string {
  return mkdtempSync(path.join(base, `${path.basename(testPath)}-`));
}

/** What is in `folder`, sorted, directories with a trailing `/`; none when it is missing. */
export function leftovers(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    try {
      return statSync(path.join(folder, name)).isDirectory() ? `${name}/` : name;
    } catch {
      return name;
    }
  });
}

/**
 * Removes `folder` and everything in it, and throws (naming `where` and each entry)
 * when it was not empty: the check at the end of a suite and of a run.
 */
export function removeCheckedFolder(folder: string, where: string): void {
  const left = leftovers(folder);
  rmSync(folder, { recursive: true, force: true });
  if (left.length > 0) throw testToolingErrors.leftTemporaryFiles(where, folder, left);
}
