/**
 * Types of cdktf's jest matchers (registered by test/setup.ts through
 * cdktf's jest adapter, what Testing.setupJest() calls). cdktf declares them as jest.Matchers<R>, which no longer
 * merges with @types/jest 30's Matchers<R, T>; this restates them with its arity.
 */
import type { TerraformConstructor } from 'cdktf/lib/testing/matchers';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars, @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> {
      toHaveResource(resourceConstructor: TerraformConstructor): R;
      toHaveResourceWithProperties(resourceConstructor: TerraformConstructor, properties: Record<string, any>): R; // eslint-disable-line @typescript-eslint/no-explicit-any
      toHaveProvider(providerConstructor: TerraformConstructor): R;
      toHaveProviderWithProperties(providerConstructor: TerraformConstructor, properties: Record<string, any>): R; // eslint-disable-line @typescript-eslint/no-explicit-any
      toBeValidTerraform(): R;
    }
  }
}
