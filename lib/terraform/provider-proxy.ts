/**
 * A gRPC pass-through in front of one provider server (provider-server.ts) that answers the
 * provider's schema calls from a cache. Every Terraform process asks the provider for its whole
 * schema (`GetSchema`) before anything else; the AWS provider 5.100.0 builds that answer anew on
 * each call, about 0.5 s of CPU (measured: a pooled server used 0.55–0.65 s per
 * `terraform validate` without this proxy and 0.10–0.15 s with it). The answer depends on the
 * provider binary alone, so it is asked once per binary and replayed byte for byte.
 *
 * - Only calls whose request is empty and whose answer is fixed for a binary are cached:
 *   `GetSchema`, `GetMetadata`, `GetFunctions` (CACHED_METHODS), and only answers with
 *   grpc-status 0. Every other call (Configure, PlanResourceChange, ...) goes to the server
 *   as it is, headers, messages and trailers, in both directions.
 * - It speaks HTTP/2 to both sides (gRPC's transport), without decoding messages: a call it
 *   does not know passes through like any other.
 * - Answers are also stored on disk for other processes (`provider-schemas/grpc/` next to the
 *   plugin cache, ~/.cache/fleetflags by default; ProviderServer passes the directory): a new
 *   server's first run gets them without asking it. Stored by the key in full (binary path, size
 *   and modification time, method, request) with the body's SHA-256, read back only whole and
 *   matching; anything else is ignored and asked again.
 * - A call it cannot serve (the server gone, or ending a call without its status) ends as a gRPC
 *   error Terraform reports: `grpc-status` 14 (unavailable), `grpc-message` "provider proxy: <cause>".
 *   A cached answer the cut cannot read goes out whole.
 * - Its listener and its connection to the server keep no Node process alive (unref).
 */
import http2 from 'node:http2';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { filterSchemaBody } from './provider-schema-filter';

/** The calls answered from the cache: their request carries nothing and their answer is the binary's. */
export const CACHED_METHODS: ReadonlySet<string> = new Set([
  '/tfplugin5.Provider/GetSchema',
  '/tfplugin5.Provider/GetMetadata',
  '/tfplugin5.Provider/GetFunctions',
  '/tfplugin6.Provider/GetProviderSchema',
  '/tfplugin6.Provider/GetMetadata',
  '/tfplugin6.Provider/GetFunctions',
]);

/** A recorded answer: response headers, the body, the trailers. */
export interface CachedAnswer {
  readonly headers: http2.OutgoingHttpHeaders;
  readonly body: Buffer;
  /** None for a trailers-only answer (an error, its status in the headers). */
  readonly trailers: http2.OutgoingHttpHeaders | undefined;
}

/**
 * Answers per provider binary (its path, size and modification time) and request, shared by
 * every proxy of this module instance.
 */
const answers = new Map<string, CachedAnswer>();

/** Schema answers cut to a set of types (provider-schema-filter.ts), by answer and types; the oldest go first. */
const filteredAnswers = new Map<string, CachedAnswer>();
const MAX_FILTERED_ANSWERS = 64;

/** The calls whose answer is the provider's schema, which a run may get cut to its types. */
const SCHEMA_METHODS: ReadonlySet<string> = new Set(['/tfplugin5.Provider/GetSchema', '/tfplugin6.Provider/GetProviderSchema']);

/** Request headers that belong to one HTTP/2 connection, not to the call. */
const HOP_HEADERS = new Set([':scheme', ':authority', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);

function callHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_HEADERS.has(name) && value !== undefined) out[name] = value;
  }
  return out;
}

/** Response headers and trailers as the next hop sends them (Node adds its own `date`). */
function answerHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'date' && value !== undefined) out[name] = value;
  }
  return out;
}

/** gRPC's status for a call the proxy could not serve: the service is unavailable. */
const UNAVAILABLE = '14';

/** The trailers of a call the proxy could not serve (gRPC percent-encodes the message). */
function failureTrailers(cause: string): http2.OutgoingHttpHeaders {
  return { 'grpc-status': UNAVAILABLE, 'grpc-message': encodeURIComponent(`provider proxy: ${cause}`) };
}

/** Ends a call the proxy could not serve: a trailers-only gRPC error, or error trailers once headers went out. */
function fail(stream: http2.ServerHttp2Stream, cause: string): void {
  if (stream.destroyed || stream.closed) return;
  try {
    if (!stream.headersSent) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...failureTrailers(cause) }, { endStream: true });
    } else if (!stream.writableEnded) {
      stream.end();
    }
  } catch {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }
}

/** What a proxy did, for tests and benchmarks. */
export interface ProviderProxyStats {
  /** Calls passed to the server. */
  forwarded: number;
  /** Calls answered from the cache. */
  cached: number;
  /** Schema answers cut to the run's types. */
  filtered: number;
}

export class ProviderProxy {
  /**
   * Listens on `socket` and passes calls to the server listening on `upstreamSocket`; `binaryKey`
   * names the provider binary. With `cacheDir`, answers are also kept there for other processes.
   */
  static async start(upstreamSocket: string, socket: string, binaryKey: string, cacheDir?: string): Promise<ProviderProxy> {
    const proxy = new ProviderProxy(upstreamSocket, socket, binaryKey, cacheDir);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(socket, () => {
        proxy.server.off('error', reject);
        resolve();
      });
    });
    proxy.server.unref();
    return proxy;
  }

  readonly stats: ProviderProxyStats = { forwarded: 0, cached: 0, filtered: 0 };
  /**
   * The types the run attached now uses (resource, data source and ephemeral resource types): its
   * schema answers are cut to them. Undefined: the whole schema. Set per lease (one run at a time).
   */
  types: ReadonlySet<string> | undefined;
  private readonly server: http2.Http2Server;
  private upstream: http2.ClientHttp2Session | undefined;
  private closed = false;

  private constructor(
    private readonly upstreamSocket: string,
    /** The socket Terraform attaches to. */
    readonly socket: string,
    private readonly binaryKey: string,
    private readonly cacheDir: string | undefined,
  ) {
    this.server = http2.createServer();
    // A connection's own failure (Terraform went away mid-frame) ends its calls, not the proxy.
    this.server.on('error', () => undefined);
    this.server.on('sessionError', () => undefined);
    this.server.on('session', (session) => session.unref());
    this.server.on('stream', (stream, headers) => this.onCall(stream, headers));
  }

  private session(): http2.ClientHttp2Session {
    if (this.upstream && !this.upstream.closed && !this.upstream.destroyed) return this.upstream;
    const session = http2.connect('http://provider', { createConnection: () => net.connect(this.upstreamSocket) });
    session.on('error', () => undefined); // each call sees its own stream's error
    session.unref();
    this.upstream = session;
    return session;
  }

  private onCall(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    // A stream reset by either side ends the call; the other side learns of it by its own stream.
    stream.on('error', () => undefined);
    const method = String(headers[':path'] ?? '');
    if (!CACHED_METHODS.has(method)) {
      this.forward(stream, headers);
      return;
    }
    // A cacheable call: its request (a few bytes) is read whole, for the key.
    const chunks: Buffer[] = [];
    const keep = this.types;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const request = Buffer.concat(chunks);
      const key = `${this.binaryKey}\n${method}\n${request.toString('base64')}`;
      const hit = answers.get(key) ?? readStoredAnswer(this.cacheDir, key);
      if (hit) {
        this.stats.cached += 1;
        answers.set(key, hit);
      }
      const answered = hit ? Promise.resolve(hit) : this.fetch(headers, request);
      void answered.then(
        (answer) => {
          if (!hit && answer.trailers?.['grpc-status'] === '0') {
            answers.set(key, answer);
            storeAnswer(this.cacheDir, key, answer);
          }
          if (stream.destroyed) return;
          let served = answer;
          try {
            if (keep && SCHEMA_METHODS.has(method)) served = this.filtered(key, answer, keep);
          } catch {
            // an answer the cut cannot read: the whole one, which Terraform reads itself
          }
          try {
            replay(stream, served);
          } catch (e) {
            fail(stream, `could not send the cached answer (${(e as Error).message})`);
          }
        },
        (e: Error) => fail(stream, e.message),
      );
    });
  }

  /** The answer with the schema cut to `keep`, when it is a complete, successful one (else as it is). */
  private filtered(key: string, answer: CachedAnswer, keep: ReadonlySet<string>): CachedAnswer {
    if (answer.trailers?.['grpc-status'] !== '0') return answer;
    const filteredKey = `${key}\n${[...keep].sort().join(',')}`;
    let cut = filteredAnswers.get(filteredKey);
    if (!cut) {
      const body = filterSchemaBody(answer.body, keep);
      if (!body) return answer;
      cut = { ...answer, body };
      if (filteredAnswers.size >= MAX_FILTERED_ANSWERS) filteredAnswers.delete(filteredAnswers.keys().next().value!);
      filteredAnswers.set(filteredKey, cut);
    }
    this.stats.filtered += 1;
    return cut;
  }

  /** One whole answer of the server to a call whose request is `request`. */
  private fetch(headers: http2.IncomingHttpHeaders, request: Buffer): Promise<CachedAnswer> {
    this.stats.forwarded += 1;
    return new Promise((resolve, reject) => {
      const call = this.session().request(callHeaders(headers), { endStream: false });
      const body: Buffer[] = [];
      let responseHeaders: http2.OutgoingHttpHeaders | undefined;
      let trailers: http2.OutgoingHttpHeaders | undefined;
      call.on('error', (e: Error) => reject(new Error(`the provider server failed the call (${e.message})`)));
      call.on('response', (h) => {
        responseHeaders = answerHeaders(h);
      });
      call.on('trailers', (t) => {
        trailers = answerHeaders(t);
      });
      call.on('data', (chunk: Buffer) => body.push(chunk));
      call.on('close', () => {
        if (!responseHeaders) return reject(new Error('the provider server closed the call without an answer'));
        // A complete answer has its status: in the trailers, or in the headers of a trailers-only one.
        if (!trailers && responseHeaders['grpc-status'] === undefined) {
          return reject(new Error('the provider server ended the call without its status'));
        }
        resolve({ headers: responseHeaders, body: Buffer.concat(body), trailers });
      });
      call.end(request);
    });
  }

  /** Passes one call to the server and its answer back, as they come. */
  private forward(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    this.stats.forwarded += 1;
    let call: http2.ClientHttp2Stream;
    try {
      call = this.session().request(callHeaders(headers), { endStream: false });
    } catch (e) {
      fail(stream, `the provider server is not reachable (${(e as Error).message})`);
      return;
    }
    let trailers: http2.OutgoingHttpHeaders | undefined;
    call.on('response', (h, flags) => {
      const responseHeaders = answerHeaders(h);
      // A trailers-only answer (an error): one HEADERS frame that ends the stream.
      // eslint-disable-next-line no-bitwise
      if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) {
        if (!stream.destroyed) stream.respond(responseHeaders, { endStream: true });
        return;
      }
      if (!stream.destroyed) stream.respond(responseHeaders, { waitForTrailers: true });
    });
    call.on('trailers', (t) => {
      trailers = answerHeaders(t);
    });
    let failure = 'the provider server ended the call without its status';
    stream.on('wantTrailers', () => stream.sendTrailers(trailers ?? failureTrailers(failure)));
    call.on('data', (chunk: Buffer) => {
      if (!stream.destroyed) stream.write(chunk);
    });
    call.on('end', () => {
      if (!stream.destroyed && stream.headersSent && !stream.writableEnded) stream.end();
    });
    call.on('error', (e: Error) => {
      failure = `the provider server failed the call (${e.message})`;
    });
    // The server reset the call, or went away, before it finished its answer: Terraform gets a
    // gRPC error (trailers-only before the headers, error trailers after them), not a hung call.
    call.on('close', () => fail(stream, failure));
    // Terraform gave up on the call (or went away): so does the server.
    stream.on('close', () => {
      if (!call.closed) call.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.pipe(call);
  }

  /** Stops listening, closes the connection to the server and removes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    this.upstream?.destroy();
    rmSync(this.socket, { force: true });
  }
}

/** An answer's files in the cache directory: `<hash>.json` (headers, trailers) and `<hash>.body`. */
function storedFiles(dir: string, key: string): { meta: string; body: string } {
  const name = createHash('sha256').update(key).digest('hex');
  return { meta: path.join(dir, `${name}.json`), body: path.join(dir, `${name}.body`) };
}

/** What `<hash>.json` holds. */
interface StoredMeta {
  readonly key: string;
  readonly headers: http2.OutgoingHttpHeaders;
  readonly trailers: http2.OutgoingHttpHeaders;
  readonly bodyBytes: number;
  readonly bodySha256: string;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A complete answer another process stored, or undefined (none, unreadable, or not the one its
 * description names: another key, another length or digest, not a success).
 */
export function readStoredAnswer(dir: string | undefined, key: string): CachedAnswer | undefined {
  if (!dir) return undefined;
  const files = storedFiles(dir, key);
  try {
    const meta = JSON.parse(readFileSync(files.meta, 'utf8')) as StoredMeta;
    const body = readFileSync(files.body);
    // The key in full (not its hash alone), and the body whole and the same.
    if (meta.key !== key || meta.trailers?.['grpc-status'] !== '0') return undefined;
    if (body.length !== meta.bodyBytes || sha256(body) !== meta.bodySha256) return undefined;
    return { headers: meta.headers, body, trailers: meta.trailers };
  } catch {
    return undefined;
  }
}

/**
 * Stores a successful answer for other processes: the body first, then its description, each
 * written to a temporary file of its own and renamed into place whole (never a partial file
 * under the final name; a failed write leaves no temporary file).
 */
export function storeAnswer(dir: string | undefined, key: string, answer: CachedAnswer): void {
  if (!dir) return;
  const files = storedFiles(dir, key);
  const write = (file: string, data: string | Buffer) => {
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, data);
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  };
  try {
    mkdirSync(dir, { recursive: true });
    write(files.body, answer.body);
    const meta: StoredMeta = { key, headers: answer.headers, trailers: answer.trailers!, bodyBytes: answer.body.length, bodySha256: sha256(answer.body) };
    write(files.meta, JSON.stringify(meta));
  } catch {
    // not stored: the next process asks its server
  }
}

function replay(stream: http2.ServerHttp2Stream, answer: CachedAnswer): void {
  const trailers = answer.trailers;
  if (!trailers) {
    // A trailers-only answer (an error): its status is in the headers.
    stream.respond(answer.headers, { endStream: true });
    return;
  }
  stream.respond(answer.headers, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers(trailers));
  stream.end(answer.body);
}

/** Forgets every cached answer (tests). */
export function clearProviderProxyCache(): void {
  answers.clear();
  filteredAnswers.clear();
}
