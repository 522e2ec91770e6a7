/**
 * Every error and every flags problem fleetflags reports is made here (lib/errors/), by a named
 * factory. Each says what is wrong, the value it got, what is allowed, and how to fix it.
 * Commands exit with the error's `exitCode`. Callers import from `lib/errors`; each file of this
 * folder holds the factories of one concept (it was one file of 1,565 lines, too long to find a
 * factory in), and this one puts them together: re-exports, and the two objects whose factories
 * span several files, `flagsProblems` and `errors` (test/lib/errors/index.test.ts checks no name
 * is in two of their files).
 */
import { commandErrors } from './commands';
import { flagsFileProblems } from './flags-files';
import { fleetProblems } from './flags-fleet';
import { safetyProblems } from './flags-safety';
import { schemaProblems } from './flags-schema';
import { planCommentErrors } from './plan-comments';
import { planErrors } from './plans';

export {
  ExitCode,
  FleetflagsError,
  FlagsInvalidError,
  formatProblem,
  formatWarning,
  jsonPath,
  showValue,
  type FlagsProblem,
} from './base';
export { closest, redactSecret } from './text';
export { constructErrors, costErrors } from './constructs';
export { changeSizeMessages, deployMessages, type ArtifactProblemKind, type ArtifactWhere } from './deploy-guards';
export { deployErrors, deployRunErrors, handoffErrors, healthMessages } from './deploy';
export { emulatorErrors, publishErrors } from './emulator';
export { accessErrors } from './access';
export { testToolingErrors } from './tooling';

/** Every problem a flags file can have: its files and syntax, the schema, the safety rules, the fleet rules. */
export const flagsProblems = { ...flagsFileProblems, ...schemaProblems, ...safetyProblems, ...fleetProblems } as const;

/** Errors of the commands: the command line, Terraform, plans and plan comments. */
export const errors = { ...commandErrors, ...planErrors, ...planCommentErrors };
