import type { FlagsProblem } from './base';

/** Flags problems of the files themselves and their syntax: missing, unreadable, not JSON, not one environment. */
export const flagsFileProblems = {
  fileMissing: (file: string, existing: readonly string[]): FlagsProblem => ({
    file,
    path: '$',
    value: undefined,
    problem: 'no such flags file',
    allowed: existing.length ? `one of the existing flags files: ${existing.join(', ')}` : 'an existing flags file, flags/<environment>.json (there are none)',
    fix: 'name an existing file, or create this one (README: Adding an environment)',
  }),

  fileUnreadable: (file: string, reason: string): FlagsProblem => ({
    file,
    path: '$',
    value: undefined,
    problem: `cannot read the file (${reason})`,
    allowed: 'an existing flags file, flags/<environment>.json',
  }),

  invalidJson: (file: string, reason: string): FlagsProblem => ({
    file,
    path: '$',
    value: undefined,
    problem: `not valid JSON (${reason})`,
    allowed: 'a JSON object; check for a trailing comma or a missing quote',
  }),

  byteOrderMark: (file: string): FlagsProblem => ({
    file,
    path: '$',
    value: 'U+FEFF',
    problem: 'the file starts with a byte-order mark, which JSON does not allow',
    allowed: 'UTF-8 without a byte-order mark',
    fix: 'save the file as UTF-8 without a byte-order mark',
  }),

  notUtf8: (file: string, found: string): FlagsProblem => ({
    file,
    path: '$',
    value: found,
    problem: 'the file is not UTF-8 text',
    allowed: 'UTF-8 text',
    fix: 'save the file as UTF-8 without a byte-order mark (an editor\'s "Save with Encoding"; PowerShell 7: -Encoding utf8NoBOM)',
  }),

  duplicateField: (file: string, path: string, where: readonly string[], inEffect: unknown): FlagsProblem => ({
    file,
    path,
    value: inEffect,
    problem: `the field is given ${where.length} times in its object (${where.join('; ')}), and JSON.parse keeps only the last without a word`,
    allowed: 'each field once',
    fix: 'keep the one you mean and delete the others (a merge may have kept both sides)',
  }),

  nestedTooDeep: (file: string, path: string, kind: 'object' | 'array', max: number): FlagsProblem => ({
    file,
    path,
    value: `an ${kind} nested deeper than ${max} levels`,
    problem: `nested too deeply (more than ${max} levels of objects and arrays)`,
    allowed: `at most ${max} levels; flags/schema.json nests at most 4`,
    fix: 'remove the nested value; flags/schema.json lists every field',
  }),

  fileNameNotEnvironment: (file: string, base: string): FlagsProblem => ({
    file,
    path: '$',
    value: base,
    problem: 'the file name is not a valid environment name',
    allowed: 'flags/<environment>.json, the environment of 2-20 lowercase letters, digits and "-"',
  }),
} as const;
