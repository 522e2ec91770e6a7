/**
 * The schema-caching proxy's own rules, against a stand-in gRPC server on a unix socket (no
 * Terraform, no provider): cached calls reach the server once, a call the server drops ends as a
 * gRPC error Terraform can report, an answer the cut cannot read goes out whole, and the disk
 * cache gives back only what was stored, whole.
 */
import http2 from 'node:http2';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clearProviderProxyCache, ProviderProxy, readStoredAnswer, storeAnswer, type CachedAnswer } from '../../../lib/terraform/provider-proxy';
import { socketParent } from '../../../lib/terraform/provider-server';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();

// Every call here answers in milliseconds; a proxy that leaves a call hanging fails fast, not at jest's 300 s.
jest.setTimeout(10_000);

/** A directory for sockets whose paths stay under the Unix limit (the nested test TMPDIR may not). */
const socketDirs: string[] = [];
function socketDir(): string {
  const dir = mkdtempSync(path.join(socketParent(), 'fleetflags-proxy-test-'));
  socketDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of socketDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => clearProviderProxyCache());

/** What the stand-in server does with a call: answer it, drop it (reset) before or after its headers, or end it without its status. */
type Behaviour = 'answer' | 'reset-before-headers' | 'reset-after-headers' | 'end-without-trailers';

/** A gRPC-shaped HTTP/2 server on a unix socket that answers every call with `body` and status 0, counting calls. */
async function standInServer(body: Buffer, behaviour: () => Behaviour = () => 'answer'): Promise<{ socket: string; calls: string[]; close: () => void }> {
  const socket = path.join(socketDir(), 'server.sock');
  const calls: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    calls.push(String(headers[':path']));
    stream.on('error', () => undefined);
    stream.resume();
    stream.on('end', () => {
      const what = behaviour();
      if (what === 'reset-before-headers') return stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      if (what === 'end-without-trailers') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.end(body);
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      if (what === 'reset-after-headers') {
        stream.write(body.subarray(0, 2));
        setTimeout(() => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR), 20);
        return;
      }
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { socket, calls, close: () => server.close() };
}

interface CallResult {
  readonly status: string | undefined;
  readonly message: string | undefined;
  readonly body: Buffer;
}

/** One gRPC call with an empty message to `socket`: the status, its message and the body that came back. */
function call(socket: string, method: string): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const session = http2.connect('http://provider', { createConnection: () => net.connect(socket) });
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' });
    let status: string | undefined;
    let message: string | undefined;
    const body: Buffer[] = [];
    const read = (h: http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('data', (chunk: Buffer) => body.push(chunk));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      session.close();
      resolve({ status, message, body: Buffer.concat(body) });
    });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

/** One framed gRPC message. */
function framed(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

describe('ProviderProxy', () => {
  it('GIVEN two GetSchema calls WHEN sent through the proxy THEN the server answers once and both get the same answer', async () => {
    // GIVEN
    const body = framed(Buffer.from('schema'));
    const server = await standInServer(body);
    const proxy = await ProviderProxy.start(server.socket, path.join(socketDir(), 'proxy.sock'), 'binary-a 1 1');
    try {
      // WHEN
      const first = await call(proxy.socket, '/tfplugin5.Provider/GetSchema');
      const second = await call(proxy.socket, '/tfplugin5.Provider/GetSchema');
      // THEN
      expect(server.calls).toEqual(['/tfplugin5.Provider/GetSchema']);
      expect(first).toEqual({ status: '0', message: undefined, body });
      expect(second).toEqual(first);
      expect(proxy.stats).toMatchObject({ forwarded: 1, cached: 1 });
    } finally {
      proxy.close();
      server.close();
    }
  });

  it('GIVEN a call it passes through WHEN the server answers it THEN the caller gets the whole answer and status 0', async () => {
    // GIVEN
    const body = framed(Buffer.alloc(256 * 1024, 7));
    const server = await standInServer(body);
    const proxy = await ProviderProxy.start(server.socket, path.join(socketDir(), 'proxy.sock'), 'binary-e 1 1');
    try {
      // WHEN
      const result = await call(proxy.socket, '/tfplugin5.Provider/PlanResourceChange');
      // THEN
      expect(result).toEqual({ status: '0', message: undefined, body });
      expect(proxy.stats).toMatchObject({ forwarded: 1, cached: 0 });
    } finally {
      proxy.close();
      server.close();
    }
  });

  it.each([
    ['a call it passes through, reset before its headers', '/tfplugin5.Provider/PlanResourceChange', 'reset-before-headers'],
    ['a call it passes through, reset after its headers', '/tfplugin5.Provider/PlanResourceChange', 'reset-after-headers'],
    ['a call it passes through, ended without its status', '/tfplugin5.Provider/PlanResourceChange', 'end-without-trailers'],
    ['a call it caches, reset before its headers', '/tfplugin5.Provider/GetSchema', 'reset-before-headers'],
    ['a call it caches, reset after its headers', '/tfplugin5.Provider/GetSchema', 'reset-after-headers'],
    ['a call it caches, ended without its status', '/tfplugin5.Provider/GetSchema', 'end-without-trailers'],
  ] as const)('GIVEN %s by the server THEN the caller gets gRPC status 14 and a message naming the proxy, not a hung or reset stream', async (_what, method, behaviour) => {
    // GIVEN
    const server = await standInServer(framed(Buffer.from('answer')), () => behaviour);
    const proxy = await ProviderProxy.start(server.socket, path.join(socketDir(), 'proxy.sock'), 'binary-b 1 1');
    try {
      // WHEN
      const result = await call(proxy.socket, method);
      // THEN
      expect(result.status).toBe('14');
      expect(result.message).toMatch(/^provider proxy: the provider server (closed|failed|ended) the call/);
    } finally {
      proxy.close();
      server.close();
    }
  });

  it('GIVEN no server behind the proxy (it went away) WHEN a call is sent THEN the caller gets status 14, and the proxy keeps serving', async () => {
    // GIVEN
    const server = await standInServer(framed(Buffer.from('schema')));
    const proxy = await ProviderProxy.start(server.socket, path.join(socketDir(), 'proxy.sock'), 'binary-c 1 1');
    server.close();
    rmSync(server.socket, { force: true });
    try {
      // WHEN
      const cached = await call(proxy.socket, '/tfplugin5.Provider/GetSchema');
      const passed = await call(proxy.socket, '/tfplugin5.Provider/ReadResource');
      // THEN
      expect(cached.status).toBe('14');
      expect(cached.message).toMatch(/^provider proxy: /);
      expect(passed.status).toBe('14');
    } finally {
      proxy.close();
    }
  });

  it('GIVEN a schema answer the cut cannot read (not a schema message) and a run with types WHEN GetSchema is sent THEN the answer goes out whole', async () => {
    // GIVEN
    const garbage = framed(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    const server = await standInServer(garbage);
    const proxy = await ProviderProxy.start(server.socket, path.join(socketDir(), 'proxy.sock'), 'binary-d 1 1');
    proxy.types = new Set(['aws_s3_bucket']);
    try {
      // WHEN
      const result = await call(proxy.socket, '/tfplugin5.Provider/GetSchema');
      // THEN
      expect(result).toEqual({ status: '0', message: undefined, body: garbage });
      expect(proxy.stats.filtered).toBe(0);
    } finally {
      proxy.close();
      server.close();
    }
  });
});

describe('the disk cache of schema answers', () => {
  const answer: CachedAnswer = { headers: { ':status': 200, 'content-type': 'application/grpc' }, body: framed(Buffer.from('schema')), trailers: { 'grpc-status': '0' } };

  it('GIVEN a stored answer WHEN read with its key THEN it comes back whole, and nothing temporary is left', () => {
    // GIVEN
    const dir = tmp('fleetflags-proxy-store-');
    storeAnswer(dir, 'key-1', answer);
    // WHEN / THEN
    expect(readStoredAnswer(dir, 'key-1')).toEqual(answer);
    expect(readStoredAnswer(dir, 'key-other')).toBeUndefined();
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it.each([
    ['its body changed, same length', (files: { meta: string; body: string }) => writeFileSync(files.body, framed(Buffer.from('SCHEMA')))],
    ['its body cut short', (files: { meta: string; body: string }) => writeFileSync(files.body, readFileSync(files.body).subarray(0, 3))],
    ['its description not JSON', (files: { meta: string; body: string }) => writeFileSync(files.meta, '{')],
    ['its description without a digest (an older format)', (files: { meta: string; body: string }) => {
      const meta = JSON.parse(readFileSync(files.meta, 'utf8')) as Record<string, unknown>;
      delete meta.bodySha256;
      writeFileSync(files.meta, JSON.stringify(meta));
    }],
  ])('GIVEN a stored answer with %s WHEN read THEN it is not used (the server is asked again)', (_what, spoil) => {
    // GIVEN
    const dir = tmp('fleetflags-proxy-store-');
    storeAnswer(dir, 'key-2', answer);
    const names = readdirSync(dir);
    spoil({ meta: path.join(dir, names.find((n) => n.endsWith('.json'))!), body: path.join(dir, names.find((n) => n.endsWith('.body'))!) });
    // WHEN / THEN
    expect(readStoredAnswer(dir, 'key-2')).toBeUndefined();
  });

  it('GIVEN a directory it cannot write (a file in its place) WHEN an answer is stored THEN nothing is thrown and nothing is read back', () => {
    // GIVEN
    const dir = path.join(tmp('fleetflags-proxy-store-'), 'grpc');
    writeFileSync(dir, 'not a directory');
    // WHEN / THEN
    expect(() => storeAnswer(dir, 'key-3', answer)).not.toThrow();
    expect(readStoredAnswer(dir, 'key-3')).toBeUndefined();
  });

  it('GIVEN a write that fails at its rename (a directory where the body goes) WHEN an answer is stored THEN its temporary file is removed', () => {
    // GIVEN
    const dir = tmp('fleetflags-proxy-store-');
    const blocker = `${createHash('sha256').update('key-4').digest('hex')}.body`;
    mkdirSync(path.join(dir, blocker));
    // WHEN
    storeAnswer(dir, 'key-4', answer);
    // THEN
    expect(readdirSync(dir)).toEqual([blocker]);
    expect(readStoredAnswer(dir, 'key-4')).toBeUndefined();
  });
});
