/**
 * A tiny S3-compatible server on 127.0.0.1 for the artifacts guard and the saved-plan
 * store: path-style HEAD, GET, PUT and DELETE of objects held in memory, 404 NoSuchKey otherwise, and an
 * optional status to answer with for every request (e.g. 403).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

export interface FakeS3 {
  /** "bucket/key" → content. */
  readonly objects: Map<string, Buffer>;
  /** Answer every request with this status (no object lookup). */
  forceStatus?: number;
  readonly client: S3Client;
  /** Requests seen, "METHOD /bucket/key". */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const state: { forceStatus?: number } = {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\//, '');
    requests.push(`${req.method} /${path}`);
    const errorXml = (status: number, code: string) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
    };
    if (fake.forceStatus) return errorXml(fake.forceStatus, fake.forceStatus === 403 ? 'AccessDenied' : 'InternalError');
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        objects.set(path, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"x"' });
        res.end();
      });
      return;
    }
    if (req.method === 'DELETE') {
      objects.delete(path);
      res.writeHead(204);
      return res.end();
    }
    const body = objects.get(path);
    if (!body) return errorXml(404, 'NoSuchKey');
    res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream', etag: '"x"' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const fake: FakeS3 = Object.assign(state, {
    objects,
    client,
    requests,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return fake;
}
