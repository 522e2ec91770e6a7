import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modulePlan, writeModulesWorkdir } from '../../../lib/terraform/modules-workdir';

describe('modulePlan: one module of a plan made with writeModulesWorkdir', () => {
  // GIVEN a plan of a root with two modules, shaped as `terraform show -json` writes it
  const plan = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    errored: false,
    resource_changes: [
      { address: 'module.a.aws_s3_bucket.B', module_address: 'module.a', type: 'aws_s3_bucket', change: { actions: ['create'] } },
      { address: 'module.b.aws_s3_bucket.B', module_address: 'module.b', type: 'aws_s3_bucket', change: { actions: ['delete'] } },
      { address: 'module.ab.aws_s3_bucket.C', module_address: 'module.ab', type: 'aws_s3_bucket', change: { actions: ['update'] } },
    ],
    planned_values: {
      root_module: {
        child_modules: [
          { address: 'module.a', resources: [{ address: 'module.a.aws_s3_bucket.B', type: 'aws_s3_bucket', values: { bucket: 'x' } }] },
          { address: 'module.ab', resources: [{ address: 'module.ab.aws_s3_bucket.C', type: 'aws_s3_bucket', values: {} }] },
        ],
      },
    },
  };

  test('keeps only that module, with module-relative addresses, as the plan of the configuration alone', () => {
    // WHEN module "a" is read back
    const a = modulePlan(plan, 'a');
    // THEN its resources and changes only (not "ab", whose name starts the same), addresses without the module
    expect(a.resource_changes).toEqual([{ address: 'aws_s3_bucket.B', type: 'aws_s3_bucket', change: { actions: ['create'] } }]);
    expect(a.planned_values.root_module.resources).toEqual([{ address: 'aws_s3_bucket.B', type: 'aws_s3_bucket', values: { bucket: 'x' } }]);
    expect(a).toEqual(expect.objectContaining({ errored: false, terraform_version: '1.11.4', output_changes: {} }));
  });

  test('a module with no planned values (everything deleted) has none', () => {
    const b = modulePlan(plan, 'b');
    expect(b.resource_changes.map((c: { address: string }) => c.address)).toEqual(['aws_s3_bucket.B']);
    expect(b.planned_values.root_module.resources).toEqual([]);
  });

  test('re-exported outputs come back as the module\'s outputs; its configuration reads as a root\'s', () => {
    // GIVEN a plan whose root re-exports the modules' outputs (writeModulesWorkdir { outputs: true }),
    // module "a" with its own provider block, module "b" inheriting the root's
    const withOutputs = {
      ...plan,
      applyable: true,
      complete: true,
      output_changes: {
        a__bucket: { actions: ['create'], after: 'x' },
        b__bucket: { actions: ['no-op'], after: 'y' },
      },
      configuration: {
        provider_config: {
          aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } },
          'module.a:aws': { name: 'aws', module_address: 'module.a', expressions: { region: { constant_value: 'eu-west-1' } } },
        },
        root_module: {
          module_calls: {
            a: { source: './modules/a', module: { outputs: { bucket: {} }, resources: [{ address: 'aws_s3_bucket.B', provider_config_key: 'module.a:aws' }] } },
            b: { source: './modules/b', module: { outputs: { bucket: {} }, resources: [{ address: 'aws_s3_bucket.B', provider_config_key: 'aws' }] } },
          },
        },
      },
    };
    // WHEN each module is read back
    const a = modulePlan(withOutputs, 'a');
    const b = modulePlan(withOutputs, 'b');
    // THEN each has its own outputs under their own names
    expect(a.output_changes).toEqual({ bucket: { actions: ['create'], after: 'x' } });
    expect(b.output_changes).toEqual({ bucket: { actions: ['no-op'], after: 'y' } });
    // AND its provider under the plain key: its own for "a", the root's for "b"
    expect(a.configuration.provider_config).toEqual({ aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } });
    expect(b.configuration.provider_config).toEqual({ aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } } });
    expect(a.configuration.root_module.resources).toEqual([{ address: 'aws_s3_bucket.B', provider_config_key: 'aws' }]);
    expect(a).toEqual(expect.objectContaining({ applyable: true, complete: true }));
  });
});

describe('writeModulesWorkdir: re-exported outputs', () => {
  test('two module outputs that would re-export under one name are refused, naming both modules', async () => {
    // GIVEN module "a" with output "b__c" and module "a__b" with output "c": both would be "a__b__c"
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-modules-'));
    try {
      const configurations = new Map([
        ['a', { output: { b__c: { value: 1 } } }],
        ['a__b', { output: { c: { value: 2 } } }],
      ]);
      // WHEN written with outputs re-exported THEN it fails before any Terraform runs
      await expect(writeModulesWorkdir(dir, configurations, { outputs: true })).rejects.toThrow(/same root output "a__b__c" \(modules a, a__b\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
