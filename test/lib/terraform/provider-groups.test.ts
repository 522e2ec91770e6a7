import { providerConfigurationKey, providerGroups } from '../../../lib/terraform/modules-workdir';
import { type StackJson } from '../../../lib/terraform/runner';
import { PROVIDER_POOL_ENV } from '../../../lib/terraform/provider-eligibility';

/** A stack whose aws provider has `region` and a default tag naming `stack`. */
const stack = (region: string, stackTag: string): StackJson => ({
  provider: { aws: [{ region, default_tags: [{ tags: { 'fleetflags:stack': stackTag } }] }] },
  resource: { aws_s3_bucket: { [stackTag]: { bucket: stackTag } } },
});

describe('providerGroups: stacks that may share one Terraform root', () => {
  const stacks = new Map<string, StackJson>([
    ['a', stack('us-east-1', 'one')],
    ['b', stack('eu-west-1', 'one')],
    ['c', stack('us-east-1', 'one')],
    ['d', stack('us-east-1', 'two')],
    ['e', { resource: {} }],
  ]);
  const of = (name: string) => stacks.get(name)!;

  it('GIVEN stacks with equal and different provider configurations WHEN grouped with the pool on THEN equal ones share a group, in the order given', () => {
    expect(providerGroups([...stacks.keys()], of, {})).toEqual([['a', 'c'], ['b'], ['d'], ['e']]);
  });

  it('GIVEN a provider configuration that differs only in a default tag WHEN grouped THEN it is another group (the tag is in every planned resource)', () => {
    expect(providerConfigurationKey(of('a'))).not.toBe(providerConfigurationKey(of('d')));
    expect(providerGroups(['a', 'd'], of, {})).toEqual([['a'], ['d']]);
  });

  it(`GIVEN ${PROVIDER_POOL_ENV}=0 WHEN grouped THEN every stack is in one group (one root launching its own providers)`, () => {
    expect(providerGroups([...stacks.keys()], of, { [PROVIDER_POOL_ENV]: '0' })).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('GIVEN no stacks WHEN grouped THEN no groups, with the pool on or off', () => {
    expect(providerGroups([], of, {})).toEqual([]);
    expect(providerGroups([], of, { [PROVIDER_POOL_ENV]: '0' })).toEqual([]);
  });
});
