/**
 * Command-line parsing shared by the scripts: node's parseArgs, strict, with `--`
 * (as npm passes it) dropped, a `--help`/`-h` flag added, and any mistake turned
 * into a usage error (exit 2) that shows the script's usage line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errors } from './errors';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandLine<V> {
  readonly values: V;
  readonly positionals: string[];
  /** `--help` or `-h` was given: print the usage and do nothing else. */
  readonly help: boolean;
}

export function parseCommandLine<V extends Record<string, unknown>>(
  args: readonly string[],
  config: { readonly options: CliOptions; readonly usage: string; readonly allowPositionals?: boolean },
): ParsedCommandLine<V> {
  try {
    const { values, positionals } = parseArgs({
      args: args.filter((a) => a !== '--'),
      options: { ...config.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: config.allowPositionals ?? false,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, unknown>;
    return { values: rest as V, positionals, help: help === true };
  } catch (e) {
    throw errors.usage((e as Error).message, config.usage);
  }
}
