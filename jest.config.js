/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
    ],
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Suites that run the real Terraform take seconds per stack.
  testTimeout: 300000,
  maxWorkers: 2,
  // The default output, plus a line naming the suites still running whenever 20 s pass
  // without one finishing (the Terraform suites take minutes on a busy machine).
  reporters: ['default', '<rootDir>/test/progress-reporter.js'],
};
