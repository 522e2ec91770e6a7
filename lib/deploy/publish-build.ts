/**
 * Publishing a build: the agent binary and its SHA-256, where the launch templates
 * fetch it and the ArtifactsPublished guard checks it (lib/arch.ts artifactKey and
 * checksumKey), in the environment's artifacts bucket. The same path for AWS
 * environments and the emulated sandbox. An empty file is refused before anything is
 * uploaded; the checksum is uploaded after the binary, so a checksum never names a
 * binary that is not there.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { artifactKey, checksumKey } from '../arch';
import { publishErrors } from '../errors';
import type { Arch } from '../flags/schema';

export interface PublishBuildOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly buildId: string;
  readonly arch: Arch;
  /** The binary to publish. */
  readonly file: string;
}

export interface PublishedBuild {
  readonly bucket: string;
  readonly key: string;
  readonly checksumKey: string;
  readonly size: number;
  readonly sha256: string;
}

export async function publishBuild(options: PublishBuildOptions): Promise<PublishedBuild> {
  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (e) {
    throw publishErrors.unreadable(options.file, (e as Error).message);
  }
  if (bytes.length === 0) throw publishErrors.emptyBuild(options.file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = artifactKey(options.buildId, options.arch);
  const sumKey = checksumKey(options.buildId, options.arch);
  // A conditional write (If-None-Match: *): S3 refuses it when the key exists, and the
  // artifacts bucket's policy refuses any other write under builds/, so a build ID names
  // one binary forever (lib/constructs/artifacts-bucket.ts).
  const { PutObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'); // loaded on first use
  const put = async (k: string, body: Buffer | string) => {
    try {
      await options.client.send(new PutObjectCommand({ Bucket: options.bucket, Key: k, Body: body, IfNoneMatch: '*' }));
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) {
        throw publishErrors.alreadyPublished(options.bucket, k, options.buildId);
      }
      throw publishErrors.uploadFailed(options.bucket, k, (e as Error).message);
    }
  };
  await put(key, bytes);
  // As `sha256sum` writes it: "<hex>  <name>".
  await put(sumKey, `${sha256}  ${path.posix.basename(key)}\n`);
  return { bucket: options.bucket, key, checksumKey: sumKey, size: bytes.length, sha256 };
}
