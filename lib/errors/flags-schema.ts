import type { FlagsProblem } from './base';
import { closest, describeType } from './text';

/** Flags problems of the schema (lib/flags/schema.ts): a field missing, unknown, of the wrong type or out of range. */
export const schemaProblems = {
  missingField: (file: string, path: string, allowed: string): FlagsProblem => ({
    file,
    path,
    value: undefined,
    problem: 'required field is missing',
    allowed,
  }),

  numberNotFinite: (file: string, path: string, value: number, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'the number is beyond what a number can hold (about ±1.8e308), so it reads as infinite',
    allowed,
  }),

  wrongType: (file: string, path: string, value: unknown, expected: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `wrong type (${describeType(value)})`,
    allowed: expected,
  }),

  unknownField: (file: string, path: string, key: string, known: readonly string[]): FlagsProblem => {
    const suggestion = closest(key, known);
    return {
      file,
      path,
      value: key,
      problem: `unknown field "${key}"${suggestion ? ` (a typo of "${suggestion}"?)` : ' (a typo?)'}`,
      allowed: known.length ? `the fields ${known.map((k) => `"${k}"`).join(', ')}` : 'no fields here',
      fix: suggestion ? `rename it to "${suggestion}"` : 'remove it; flags/schema.json lists every field',
    };
  },

  endpointInFlags: (file: string, path: string, key: string): FlagsProblem => ({
    file,
    path,
    value: key,
    problem: `"${key}" puts a notification URL, and the token in it, into git (its value is not shown here)`,
    allowed: '"kind" and "name" only: the URL comes from the sensitive Terraform variable notify_<name>',
    fix: 'remove it, rotate the token if it was pushed, and set TF_VAR_notify_<name> in the CI secret store',
  }),

  renamedField: (file: string, path: string, oldName: string, newPath: string, since: string): FlagsProblem => ({
    file,
    path,
    value: oldName,
    problem: `field "${oldName}" was renamed in ${since}`,
    allowed: newPath,
    fix: `move the value to ${newPath} (see UPGRADING.md)`,
  }),

  notWholeNumber: (file: string, path: string, value: number, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'not a whole number',
    allowed,
  }),

  outOfRange: (file: string, path: string, value: unknown, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'out of range',
    allowed,
  }),

  badFormat: (file: string, path: string, value: unknown, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'does not match the expected format',
    allowed,
  }),

  notOneOf: (file: string, path: string, value: unknown, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'not one of the allowed values',
    allowed,
  }),
} as const;
