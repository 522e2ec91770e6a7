/**
 * `npm run test:sandbox`: the sandbox lifecycle suite alone (npm test leaves it out:
 * jest.config.js). One AWS emulator and one first deploy shared by every step.
 */
const { SANDBOX_SUITES, ...base } = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: SANDBOX_SUITES.map((file) => `<rootDir>/${file}`),
  testPathIgnorePatterns: ['/node_modules/'],
  // One suite: nothing to share out.
  maxWorkers: 1,
};
