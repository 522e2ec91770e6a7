/** The types a run needs the provider's schema of: its configuration's (modules too) and its state's. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaTypes } from '../../../lib/terraform/schema-types';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();

const state = (...types: string[]) =>
  JSON.stringify({ version: 4, resources: types.map((type) => ({ mode: 'managed', type, name: 'x', instances: [{ attributes: { id: 'i' } }] })) });

/** A root with a resource, a data source and a module with its own resource. */
function workdir(extra: Record<string, unknown> = {}): string {
  const dir = tmp('fleetflags-schema-types-');
  writeFileSync(
    path.join(dir, 'cdk.tf.json'),
    JSON.stringify({
      resource: { aws_s3_bucket: { b: {} } },
      data: { aws_region: { r: {} }, terraform_remote_state: { s: {} } },
      module: { queue: { source: './modules/queue' } },
      ...extra,
    }),
  );
  mkdirSync(path.join(dir, 'modules', 'queue'), { recursive: true });
  writeFileSync(path.join(dir, 'modules', 'queue', 'main.tf.json'), JSON.stringify({ resource: { aws_sqs_queue: { q: {} } }, ephemeral: { aws_kms_secrets: { k: {} } } }));
  return dir;
}

describe('schemaTypes', () => {
  it('GIVEN a root and a local module WHEN planned THEN every resource, data source and ephemeral type of both is needed', () => {
    const types = schemaTypes(workdir(), ['plan', '-input=false']);
    expect([...types!].sort()).toEqual(['aws_kms_secrets', 'aws_region', 'aws_s3_bucket', 'aws_sqs_queue', 'terraform_remote_state']);
  });

  it('GIVEN state with a type the configuration no longer has (terraform.tfstate, -state=, the local backend) WHEN planned THEN its types are needed too', () => {
    // GIVEN three state files, one each way
    const dir = workdir({ terraform: { backend: { local: { path: '../backend.tfstate' } } } });
    writeFileSync(path.join(dir, 'terraform.tfstate'), state('aws_autoscaling_schedule'));
    writeFileSync(path.join(dir, 'given.tfstate'), state('aws_lb_listener_rule'));
    writeFileSync(path.join(dir, '..', 'backend.tfstate'), state('aws_dynamodb_table'));
    try {
      // WHEN
      const types = schemaTypes(dir, ['plan', '-state=given.tfstate']);
      // THEN
      expect(types!.size).toBe(8);
      for (const type of ['aws_autoscaling_schedule', 'aws_lb_listener_rule', 'aws_dynamodb_table', 'aws_s3_bucket']) expect(types!.has(type)).toBe(true);
    } finally {
      // the backend's file is outside the directory tempDirs removes
      rmSync(path.join(dir, '..', 'backend.tfstate'), { force: true });
    }
  });

  it('GIVEN a state given as `-state <file>` (two arguments) WHEN planned THEN its types are needed', () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'given.tfstate'), state('aws_lb_listener_rule'));
    expect(schemaTypes(dir, ['plan', '-state', 'given.tfstate', '-out', 'x.tfplan'])!.has('aws_lb_listener_rule')).toBe(true);
  });

  it('GIVEN a plan made here with -state and -out WHEN its plan file is shown THEN the state-only types of that plan are needed', () => {
    // GIVEN a plan that read a state the show cannot see (it names only the plan file)
    const dir = workdir();
    writeFileSync(path.join(dir, 'given.tfstate'), state('aws_autoscaling_schedule'));
    schemaTypes(dir, ['plan', '-state=given.tfstate', '-out=saved.tfplan']);
    rmSync(path.join(dir, 'given.tfstate'));
    // WHEN
    const shown = schemaTypes(dir, ['show', '-json', 'saved.tfplan']);
    const other = schemaTypes(dir, ['show', '-json', 'other.tfplan']);
    // THEN
    expect(shown!.has('aws_autoscaling_schedule')).toBe(true);
    expect(other!.has('aws_autoscaling_schedule')).toBe(false);
  });

  it('GIVEN a plan that generates configuration for imports THEN no cut (its types are only in import blocks)', () => {
    expect(schemaTypes(workdir(), ['plan', '-generate-config-out=generated.tf'])).toBeUndefined();
  });

  it.each([
    ['apply (the change itself gets the whole schema)', ['apply', 'plan.tfplan']],
    ['providers schema (it prints the schema)', ['providers', 'schema', '-json']],
    ['init', ['init']],
  ])('GIVEN %s THEN no cut', (_what, args) => {
    expect(schemaTypes(workdir(), args)).toBeUndefined();
  });

  it('GIVEN an HCL file in the directory WHEN validated THEN no cut (HCL is not read here)', () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'extra.tf'), 'resource "aws_sns_topic" "t" {}\n');
    expect(schemaTypes(dir, ['validate'])).toBeUndefined();
  });

  it('GIVEN a configuration file that is not JSON WHEN shown THEN no cut', () => {
    const dir = workdir();
    writeFileSync(path.join(dir, 'broken.tf.json'), '{');
    expect(schemaTypes(dir, ['show', '-json'])).toBeUndefined();
  });
});
