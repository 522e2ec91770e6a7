import { DEFAULT_CONCURRENCY, groupConcurrency } from '../../../lib/plan/baselines';
import { PROVIDER_POOL_ENV } from '../../../lib/terraform/provider-eligibility';
import { ProviderPool, useProviderPool } from '../../../lib/terraform/provider-pool';

describe('groupConcurrency: provider groups folded or planned at once', () => {
  let previous: ProviderPool | undefined;
  beforeEach(() => {
    // GIVEN a provider pool of one server (nothing starts: no run leases from it here)
    previous = useProviderPool(new ProviderPool({ maxServers: 1 }));
  });
  afterEach(() => {
    delete process.env[PROVIDER_POOL_ENV];
    if (previous) useProviderPool(previous);
  });

  it('GIVEN more groups asked for than the pool has servers WHEN capped THEN the pool\'s servers (the runs beyond would launch their own providers)', () => {
    expect(groupConcurrency(4)).toBe(1);
    expect(groupConcurrency(undefined)).toBe(1);
  });

  it(`GIVEN ${PROVIDER_POOL_ENV}=0 WHEN capped THEN what was asked, or the default (no pool to exhaust)`, () => {
    process.env[PROVIDER_POOL_ENV] = '0';
    expect(groupConcurrency(4)).toBe(4);
    expect(groupConcurrency(undefined)).toBe(DEFAULT_CONCURRENCY);
    expect(groupConcurrency(0)).toBe(DEFAULT_CONCURRENCY);
  });
});
