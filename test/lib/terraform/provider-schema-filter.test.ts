/**
 * The provider schema cut to a run's types: only the resource, data source and ephemeral
 * resource maps lose entries; every other field passes byte for byte.
 */
import { Reader, Writer } from 'protobufjs/minimal';
import { filterSchemaBody, filterSchemaMessage, missingSchemaError } from '../../../lib/terraform/provider-schema-filter';

/** A map entry (key = field 1, value = field 2) of `field`. */
function entry(w: Writer, field: number, key: string, value: string): void {
  w.uint32((field << 3) | 2).fork().uint32(10).string(key).uint32(18).bytes(Buffer.from(value)).ldelim();
}

/** A GetProviderSchema.Response: provider schema, three resources, two data sources, an ephemeral resource, a function, an unknown field. */
function response(): Buffer {
  const w = Writer.create();
  w.uint32((1 << 3) | 2).bytes(Buffer.from('provider-schema'));
  entry(w, 2, 'aws_s3_bucket', 'bucket-schema');
  entry(w, 2, 'aws_sqs_queue', 'queue-schema');
  entry(w, 2, 'aws_instance', 'instance-schema');
  entry(w, 3, 'aws_region', 'region-schema');
  entry(w, 3, 'aws_ami', 'ami-schema');
  entry(w, 8, 'aws_secretsmanager_secret_version', 'ephemeral-schema');
  entry(w, 7, 'arn_parse', 'function');
  w.uint32((6 << 3) | 2).bytes(Buffer.from('capabilities'));
  w.uint32((99 << 3) | 0).uint32(7);
  return Buffer.from(w.finish());
}

/** Each field of a message, in order: [field, map key or undefined, raw bytes of the field]. */
function fields(message: Buffer): Array<[number, string | undefined]> {
  const r = Reader.create(message);
  const out: Array<[number, string | undefined]> = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if ((tag & 7) === 2) {
      const bytes = r.bytes();
      const inner = Reader.create(bytes);
      const key = [2, 3, 7, 8].includes(tag >>> 3) && inner.uint32() === 10 ? inner.string() : undefined;
      out.push([tag >>> 3, key]);
    } else {
      r.skipType(tag & 7);
      out.push([tag >>> 3, undefined]);
    }
  }
  return out;
}

const frame = (message: Buffer, flag = 0) => {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
};

describe('filterSchemaMessage', () => {
  it('GIVEN a schema response WHEN cut to one resource and one data source THEN only their map entries are left of the type maps, and every other field is there in order', () => {
    // WHEN
    const cut = filterSchemaMessage(response(), new Set(['aws_sqs_queue', 'aws_region']));
    // THEN
    expect(fields(cut)).toEqual([
      [1, undefined],
      [2, 'aws_sqs_queue'],
      [3, 'aws_region'],
      [7, 'arn_parse'],
      [6, undefined],
      [99, undefined],
    ]);
  });

  it('GIVEN a schema response WHEN cut to every type it has THEN it is byte for byte the same', () => {
    const all = new Set(['aws_s3_bucket', 'aws_sqs_queue', 'aws_instance', 'aws_region', 'aws_ami', 'aws_secretsmanager_secret_version']);
    expect(filterSchemaMessage(response(), all).equals(response())).toBe(true);
  });

  it('GIVEN a schema response WHEN cut to no type THEN the provider schema, functions and unknown fields are kept byte for byte', () => {
    const cut = filterSchemaMessage(response(), new Set());
    expect(fields(cut)).toEqual([
      [1, undefined],
      [7, 'arn_parse'],
      [6, undefined],
      [99, undefined],
    ]);
    expect(cut.length).toBeLessThan(response().length);
  });
});

describe('filterSchemaBody', () => {
  it('GIVEN a gRPC body of one message WHEN cut THEN its length prefix is the cut message length', () => {
    const body = filterSchemaBody(frame(response()), new Set(['aws_instance']))!;
    const message = filterSchemaMessage(response(), new Set(['aws_instance']));
    expect(body.readUInt32BE(1)).toBe(message.length);
    expect(body.subarray(5).equals(message)).toBe(true);
    expect(body[0]).toBe(0);
  });

  it.each([
    ['a compressed message', frame(response(), 1)],
    ['a truncated message', frame(response()).subarray(0, 40)],
    ['a truncated prefix', Buffer.from([0, 0, 0])],
  ])('GIVEN %s WHEN cut THEN it is left whole (undefined)', (_what, body) => {
    expect(filterSchemaBody(body, new Set(['aws_instance']))).toBeUndefined();
  });
});

describe('missingSchemaError', () => {
  it.each([
    'The provider hashicorp/aws does not support resource type "aws_sqs_queue".',
    'The provider hashicorp/aws does not support data source "aws_region".',
    'The provider hashicorp/aws does not support ephemeral resource type "aws_kms_secrets".',
    'Error: no schema available for aws_sqs_queue.old while reading state; this is a bug in Terraform and should be reported',
    'Failed to marshal plan to json: error in marshalPlannedValues: no schema found for aws_sqs_queue.q',
  ])('GIVEN Terraform saying %j THEN the run lacked a type', (output) => {
    expect(missingSchemaError(output)).toBe(true);
  });

  it.each(['Error: Invalid reference', 'Error: Unsupported argument: An argument named "nme" is not expected here.', ''])(
    'GIVEN Terraform saying %j THEN it did not lack a type',
    (output) => {
      expect(missingSchemaError(output)).toBe(false);
    },
  );
});
