/**
 * The artifacts bucket, as the artifacts guard needs it: three questions, behind a
 * tiny interface so tests can answer them without AWS.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';

export interface ArtifactStore {
  /** Size of the object in bytes, or undefined when there is no such object. */
  size(bucket: string, key: string): Promise<number | undefined>;
  /** The object's content as UTF-8 text, or undefined when there is no such object. */
  readText(bucket: string, key: string): Promise<string | undefined>;
  /** Lowercase hex SHA-256 of the object's bytes, streamed (binaries can be large). */
  sha256(bucket: string, key: string): Promise<string>;
}

/** The ArtifactStore of an S3 client. */
export function s3ArtifactStore(client: S3Client): ArtifactStore {
  // Loaded here, not at import: most importers of this file never read an artifact.
  const { GetObjectCommand, HeadObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  return {
    size: async (bucket, key) => {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    readText: async (bucket, key) => {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return object.Body ? await object.Body.transformToString('utf8') : '';
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    sha256: async (bucket, key) => {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      if (object.Body) for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
      return hash.digest('hex');
    },
  };
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}
