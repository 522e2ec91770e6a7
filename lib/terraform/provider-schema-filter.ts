/**
 * The AWS provider's schema, cut to the resource types a run uses. The whole schema is
 * 4.9 MB of protobuf (about 1,500 resource types and 600 data sources); Terraform decodes
 * all of it in every process, about 1.1 s of CPU, whatever the configuration uses. Cut to
 * the types of one of our stacks it is some 35 KB, and a `terraform validate` of an
 * `aws_s3_bucket` took 0.05 s of CPU instead of 1.3 s (measured, provider 5.100.0).
 *
 * Only the maps of resource, data source and ephemeral resource schemas are cut; the
 * provider's own schema, its functions, capabilities and diagnostics pass as they are, and
 * so does every field this file does not know. A type the run needs but that was cut makes
 * Terraform fail loudly ("does not support resource type", "no schema available"): never a
 * different plan. The runner then runs it again with the whole schema (runner.ts).
 */
import type { Reader as ProtobufReader } from 'protobufjs/minimal';

/** protobufjs's reader, loaded when a schema is first cut (not by every importer of the runner). */
let readerClass: typeof ProtobufReader | undefined;
const Reader = {
  create: (bytes: Uint8Array): ProtobufReader => (readerClass ??= (require('protobufjs/minimal') as typeof import('protobufjs/minimal')).Reader).create(bytes),
};

/** GetProviderSchema.Response fields (tfplugin5 and tfplugin6): map<string, Schema> by type name. */
const TYPE_MAPS: ReadonlySet<number> = new Set([
  2, // resource_schemas
  3, // data_source_schemas
  8, // ephemeral_resource_schemas
]);

const LENGTH_DELIMITED = 2;

/** The schema response message with only the types in `keep` left in its type maps. */
export function filterSchemaMessage(message: Uint8Array, keep: ReadonlySet<string>): Buffer {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const reader = Reader.create(bytes);
  const kept: Buffer[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === LENGTH_DELIMITED && TYPE_MAPS.has(field)) {
      const entry = reader.bytes();
      if (!keep.has(mapEntryKey(entry) ?? '')) continue;
    } else {
      reader.skipType(wireType);
    }
    kept.push(bytes.subarray(start, reader.pos));
  }
  return Buffer.concat(kept);
}

/** A map entry's key (field 1, a string), or undefined when it has none. */
function mapEntryKey(entry: Uint8Array): string | undefined {
  const reader = Reader.create(entry);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === LENGTH_DELIMITED) return reader.string();
    reader.skipType(tag & 7);
  }
  return undefined;
}

/**
 * A gRPC response body (length-prefixed messages: a compression flag byte, a 4-byte length)
 * with each message filtered; undefined when it cannot be (a compressed or truncated message).
 */
export function filterSchemaBody(body: Buffer, keep: ReadonlySet<string>): Buffer | undefined {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (offset + 5 > body.length || body[offset] !== 0) return undefined;
    const length = body.readUInt32BE(offset + 1);
    if (offset + 5 + length > body.length) return undefined;
    const message = filterSchemaMessage(body.subarray(offset + 5, offset + 5 + length), keep);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(message.length, 1);
    out.push(prefix, message);
    offset += 5 + length;
  }
  return Buffer.concat(out);
}

/** Terraform's errors for a type whose schema it did not get. */
const MISSING_SCHEMA = [/does not support resource type/, /does not support data source/, /does not support ephemeral resource type/, /no schema (?:available|found) for/i];

/** Whether a failed run's output says a type's schema was missing (the run goes again with the whole schema). */
export function missingSchemaError(output: string): boolean {
  return MISSING_SCHEMA.some((re) => re.test(output));
}
