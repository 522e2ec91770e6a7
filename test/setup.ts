import { Testing } from 'cdktf';
import { stopProviderPool } from '../lib/terraform/provider-pool';

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...
Testing.setupJest();

// Each test file has its own provider pool (its own module registry): its servers stop with it.
afterAll(() => stopProviderPool());
