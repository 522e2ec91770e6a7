/**
 * The access keys of environments that never reach AWS, by which a provider configuration is
 * recognized as offline or emulated (stacks/environment.ts sets them; provider-eligibility.ts
 * reads them). Their own module: the test setup checks the provider pool in every suite, and
 * must not load cdktf and the provider classes for it.
 */

/** Credentials of offline environments. Not secrets: they only let the provider start. */
export const OFFLINE_ACCESS_KEY = 'offline-no-aws-account';
/** Credentials of emulated environments. Not secrets: the emulator accepts any. */
export const EMULATOR_ACCESS_KEY = 'fleetflags-emulator';
