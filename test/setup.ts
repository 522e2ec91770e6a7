// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ... (what
// Testing.setupJest() registers), imported by deep path: the package index would load all of cdktf
// into every suite, about 50 ms of CPU each, most of which never synthesize anything.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { stopProviderPool } from '../lib/terraform/provider-pool';

setupJest();

// Each test file has its own provider pool (its own module registry): its servers stop with it.
afterAll(() => stopProviderPool());
