#!/usr/bin/env node
// Runs a TypeScript entry point: esbuild bundles it (our code only; packages stay
// external) into dist/, then Node runs the bundle. This is the "loader that costs
// little" that cdktf.json's app command and every npm script go through: ~20 ms of
// esbuild instead of npx + ts-node on every synth and every diff.
//
// Usage: node bin/run.mjs <entry.ts> [args...]
// The entry exports main(args): its return value is the exit code; a thrown
// FleetflagsError prints its message and exits with its exitCode.
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bin/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outfile = path.join(root, 'dist', entry.replace(/\.ts$/, '.cjs'));
buildSync({
  entryPoints: [path.resolve(root, entry)],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv = [process.argv[0], outfile, ...args];
process.setSourceMapsEnabled(true);
// Entry points export `main(args)`; importing one for a test runs nothing.
const entryModule = createRequire(import.meta.url)(outfile);
if (typeof entryModule.main !== 'function') {
  console.error(`${entry} exports no main(args) function`);
  process.exit(2);
}
try {
  const code = await entryModule.main(args);
  process.exitCode = typeof code === 'number' ? code : 0;
} catch (e) {
  // FleetflagsError (lib/errors.ts) carries a message for people and an exit code.
  if (e && typeof e.exitCode === 'number') {
    console.error(e.message);
    process.exitCode = e.exitCode;
  } else {
    console.error(e);
    process.exitCode = 1;
  }
}
