// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ... (what
// Testing.setupJest() registers), imported by deep path: the package index would load all of cdktf
// into every suite, about 50 ms of CPU each, most of which never synthesize anything.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { testToolingErrors } from '../lib/errors';
import { PROVIDER_POOL_ENV } from '../lib/terraform/provider-eligibility';
import { stopProviderPool } from '../lib/terraform/provider-pool';

setupJest();

// Each test file has its own provider pool (its own module registry): its servers stop with it.
// A server that failed to start fails the suite: its runs planned without the pool, unseen
// (a test that provokes failed starts does so with a pool of its own, useProviderPool).
afterAll(async () => {
  const stats = await stopProviderPool();
  if (stats && stats.failedStarts > 0 && process.env[PROVIDER_POOL_ENV] !== '0') {
    throw testToolingErrors.providerPoolFailedStarts(stats.failedStarts, PROVIDER_POOL_ENV);
  }
});
