/**
 * The shipped flags files, parsed, as fixtures.
 *
 * @reads flags/*.json
 */
import { readFileSync } from 'node:fs';
import type { LoadedFlags } from '../../lib/flags/load';
import { FlagsSchema, type Flags, type FlagsInput } from '../../lib/flags/schema';

/** The shipped flags file of an environment, parsed (defaults applied). */
export function shippedFlags(environment: string): Flags {
  return FlagsSchema.parse(JSON.parse(readFileSync(`flags/${environment}.json`, 'utf8')));
}

/** A valid sandbox flags input, changed by `edit`, then parsed. */
export function sandboxFlags(edit: (f: FlagsInput & Record<string, any>) => void = () => {}): Flags { // eslint-disable-line @typescript-eslint/no-explicit-any
  const raw = JSON.parse(readFileSync('flags/sandbox.json', 'utf8'));
  edit(raw);
  return FlagsSchema.parse(raw);
}

export function loaded(flags: Flags, file = `flags/${flags.environment}.json`): LoadedFlags {
  return { file, environment: flags.environment, flags };
}
