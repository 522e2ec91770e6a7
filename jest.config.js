/**
 * `npm test`: every suite but the sandbox lifecycle. That one deploys to the AWS emulator
 * for real (a first deploy is minutes of the provider's own waits) and runs as its own
 * command, `npm run test:sandbox` (jest.sandbox.config.js); `.ci/run` runs both.
 */
const SANDBOX_SUITES = ['test/e2e/sandbox-lifecycle.test.ts'];
const { READ_ROOTS, READ_EXTENSIONS } = require('./test/dependency-extractor.js');

// The AWS SDK's Node-version notice (eight lines on Node 20, once per process that makes a client), as
// bin/run.mjs keeps it out of the scripts: the workers jest forks inherit this. A caller's value stays.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The workers run without V8's optimizing compiler (`--max-opt=1`: the interpreter and Sparkplug, its
// baseline compiler). jest evaluates every module again for each test file, so TurboFan optimized the same
// functions again in every suite, on background threads competing with the workers for the two cores, for
// code that then ran for a second or two. jest forks its workers with this process's execArgv. A caller's own
// --max-opt stays (V8 takes it with - or _). Measured 2026-11-29 on the 2-core machine of the README's latest
// figures, in pairs back to back (its speed drifts by more than this): the compute-only unit suites 8% less
// CPU on average over six pairs, the whole test:quick 6% over nine; `npm test` 469 s of CPU against 496 s
// (one pair). docs/benchmarks.md has the runs.
const MAX_OPT = /^--max[-_]opt(=|$)/;
if (!process.execArgv.some((arg) => MAX_OPT.test(arg))) process.execArgv.push('--max-opt=1');

/** @type {import('jest').Config} */
module.exports = {
  // jest's node environment, plus a code cache of the modules it compiles and a TMPDIR of its own per suite
  // that must be empty at its end (test/environment.ts).
  testEnvironment: '<rootDir>/test/environment.ts',
  // The suites are in test/; the sources are roots too, so jest knows which suites import a file:
  // `npm run test:quick -- -o` (or `-- --changedSince=origin/main`) runs only the suites of what changed.
  // So are the folders of the files modules read (flags, docs, workflows): a module names them under
  // `@reads` (test/dependency-extractor.js), and an edit of one runs the suites that read it. jest
  // keeps only files of its module extensions in its file map, so theirs are added (at the end: an
  // import still resolves to a .ts or .js first).
  roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/scripts', '<rootDir>/stacks', ...READ_ROOTS.map((dir) => `<rootDir>/${dir}`)],
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'json', 'node', ...READ_EXTENSIONS.filter((ext) => ext !== 'json')],
  dependencyExtractor: '<rootDir>/test/dependency-extractor.js',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...SANDBOX_SUITES.map((file) => `<rootDir>/${file.replace(/\./g, '\\.')}$`)],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
    ],
  },
  // jest's transform cache in the checkout, not in the temporary folder (a test run leaves nothing there).
  cacheDirectory: '<rootDir>/.jest-cache',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // One speculative-baseline cache per run, shared by the suites (FLEETFLAGS_BASELINE_CACHE), removed at the end.
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  // The type check first, then the @terraform suites (test/sequencer.js): a long suite never starts last.
  testSequencer: '<rootDir>/test/sequencer.js',
  // Suites that run the real Terraform take seconds per stack.
  testTimeout: 300000,
  // Three workers on the 2-core machine: the Terraform suites wait on child processes (terraform, the
  // scripts they start, the emulator), and a third worker fills those gaps. Measured 2026-11-27 on a shared
  // machine, the same tree: jest 333 s wall with 2 workers, 295 s with 3, the same CPU time (about 560 s;
  // one sample each, and on a shared machine three workers also take a larger share: idle may gain less).
  maxWorkers: 3,
  // How long a worker may take to exit once jest is done with it, before jest kills it and warns of "tests
  // leaking due to improper teardown". jest's 500 ms is too short for ours: a worker that has run dozens of
  // suites holds about a gigabyte, and the kernel takes 0.7-0.8 s to tear that down after the worker's last
  // line of JavaScript (measured 2026-11-28 on the 2-core machine: every run of test:quick ended with the
  // warning and no handle open). A worker that really leaks a handle still gets the warning, 5 s later.
  workerGracefulExitTimeout: 5000,
  // The default output, plus a line naming the suites still running whenever 20 s pass
  // without one finishing (the Terraform suites take minutes on a busy machine).
  reporters: ['default', '<rootDir>/test/progress-reporter.js'],
};
// For jest.sandbox.config.js (not enumerable: jest would warn about an unknown option).
Object.defineProperty(module.exports, 'SANDBOX_SUITES', { value: SANDBOX_SUITES, enumerable: false });
