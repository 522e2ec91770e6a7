/**
 * lib/errors/: the factories of each concept in a file of their own, put together in index.ts.
 * `flagsProblems` and `errors` are spreads of several files, where a name defined twice would not
 * fail the type check: the later file's factory would silently win.
 */
import { errors, flagsProblems } from '../../../lib/errors';
import { commandErrors } from '../../../lib/errors/commands';
import { flagsFileProblems } from '../../../lib/errors/flags-files';
import { fleetProblems } from '../../../lib/errors/flags-fleet';
import { safetyProblems } from '../../../lib/errors/flags-safety';
import { schemaProblems } from '../../../lib/errors/flags-schema';
import { planCommentErrors } from '../../../lib/errors/plan-comments';
import { planErrors } from '../../../lib/errors/plans';

/** The names defined in more than one of the parts. */
function definedTwice(parts: Record<string, object>): string[] {
  const seen = new Map<string, string>();
  const twice: string[] = [];
  for (const [file, part] of Object.entries(parts)) {
    for (const name of Object.keys(part)) {
      if (seen.has(name)) twice.push(`${name} (${seen.get(name)} and ${file})`);
      else seen.set(name, file);
    }
  }
  return twice;
}

describe('lib/errors', () => {
  test('GIVEN the four files of flags problems WHEN put together THEN no name is in two of them, and flagsProblems has every one', () => {
    const parts = { 'flags-files.ts': flagsFileProblems, 'flags-schema.ts': schemaProblems, 'flags-safety.ts': safetyProblems, 'flags-fleet.ts': fleetProblems };
    expect(definedTwice(parts)).toEqual([]);
    expect(Object.keys(flagsProblems).sort()).toEqual(Object.values(parts).flatMap((p) => Object.keys(p)).sort());
  });

  test('GIVEN the three files of command errors WHEN put together THEN no name is in two of them, and errors has every one', () => {
    const parts = { 'commands.ts': commandErrors, 'plans.ts': planErrors, 'plan-comments.ts': planCommentErrors };
    expect(definedTwice(parts)).toEqual([]);
    expect(Object.keys(errors).sort()).toEqual(Object.values(parts).flatMap((p) => Object.keys(p)).sort());
  });

  test('GIVEN a name in two parts WHEN checked THEN both files are named', () => {
    expect(definedTwice({ 'a.ts': { usage: 1, other: 2 }, 'b.ts': { usage: 3 } })).toEqual(['usage (a.ts and b.ts)']);
  });
});
