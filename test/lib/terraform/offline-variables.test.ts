/**
 * Offline plans have no secret store: a required variable (an alarm subscription's
 * secret endpoint, TF_VAR_notify_<name> in CI) gets a placeholder that passes its
 * `startswith` validation, so speculative plans of forks and rollback PRs still plan.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { speculativePlan, speculativePlans } from '../../../lib/plan/speculative';
import { OFFLINE_VARIABLE_PLACEHOLDER, offlineVariableDefaults } from '../../../lib/terraform/offline-workdir';
import { type StackJson } from '../../../lib/terraform/runner';

const withSecretVariable = (): StackJson => ({
  terraform: { backend: { local: { path: 'x.tfstate' } } },
  variable: {
    notify_pager: {
      type: 'string',
      sensitive: true,
      nullable: false,
      validation: [{ condition: '${startswith(var.notify_pager, "https://events.pagerduty.com/")}', error_message: 'must be a PagerDuty URL' }],
    },
    notify_plain: { type: 'string', nullable: false },
    retention_days: { type: 'number', default: 7 },
  },
  resource: { terraform_data: { subscription: { input: '${var.notify_pager}' }, other: { input: '${var.notify_plain}' } } },
});

describe('offlineVariableDefaults', () => {
  it('GIVEN required variables WHEN offline THEN each gets a placeholder after the prefix its validation asks for; defaults stay', () => {
    expect(offlineVariableDefaults(withSecretVariable())).toEqual({
      notify_pager: { default: `https://events.pagerduty.com/${OFFLINE_VARIABLE_PLACEHOLDER}` },
      notify_plain: { default: OFFLINE_VARIABLE_PLACEHOLDER },
    });
  });

  it('GIVEN no variables WHEN offline THEN there is nothing to add', () => {
    expect(offlineVariableDefaults({ resource: {} })).toEqual({});
  });
});

describe('a speculative plan of a configuration with a required secret variable', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-offline-variables-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('GIVEN no TF_VAR_ value WHEN planned offline THEN it plans, the secret shown as sensitive', async () => {
    const plan = await speculativePlan({ head: withSecretVariable(), workdir: work, stackName: 'offline-variables' });
    const subscription = (plan.resource_changes as Array<{ address: string; change: { actions: string[]; after_sensitive: unknown } }>).find(
      (c) => c.address === 'terraform_data.subscription',
    );
    expect(subscription?.change.actions).toEqual(['create']);
    expect(subscription?.change.after_sensitive).toMatchObject({ input: true });
  });

  it('GIVEN two such configurations sharing one provider WHEN their heads are planned together as modules THEN both plan', async () => {
    // Modules of one root: a module's variable with no default would be a required argument of the module call.
    const other = withSecretVariable();
    other.resource.terraform_data.extra = { input: 'x' };
    const plans = await speculativePlans(
      new Map([
        ['a', { head: withSecretVariable() }],
        ['b', { head: other }],
      ]),
      { workdir: path.join(work, 'together') },
    );
    expect([...plans.keys()].sort()).toEqual(['a', 'b']);
    const created = (name: string) => (plans.get(name)!.resource_changes as Array<{ address: string; change: { actions: string[] } }>).filter((c) => c.change.actions.join() === 'create').map((c) => c.address).sort();
    expect(created('a')).toEqual(['terraform_data.other', 'terraform_data.subscription']);
    expect(created('b')).toEqual(['terraform_data.extra', 'terraform_data.other', 'terraform_data.subscription']);
  });
});
