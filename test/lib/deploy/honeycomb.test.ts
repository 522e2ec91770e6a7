import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deployMarkerMessage, honeycombConfigFromEnv, postMarker } from '../../../lib/deploy/honeycomb';

describe('Honeycomb markers', () => {
  let server: http.Server;
  let url: string;
  const seen: { path: string; headers: http.IncomingHttpHeaders; body: any }[] = [];
  let status = 201;
  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') });
      res.writeHead(status, { 'content-type': 'application/json' });
      // A rejection echoes the key it was sent, as some proxies do: the error must not repeat it.
      res.end(status === 201 ? JSON.stringify({ id: 'mk-1' }) : JSON.stringify({ error: `unknown API key ${req.headers['x-honeycomb-team']} - check your credentials` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
    status = 201;
  });

  test('posts an environment-wide deploy marker with the team header, message, type and URL', async () => {
    // GIVEN only the key (and a local API URL)
    const config = honeycombConfigFromEnv({ HONEYCOMB_API_KEY: 'hc-key', HONEYCOMB_API_URL: `${url}/` })!;

    // WHEN
    const result = await postMarker(config, {
      message: deployMarkerMessage({ environment: 'production', commit: '0123456789abcdef', pr: 42, actor: 'alice', outcome: 'success' }),
      url: 'https://github.com/acme/fleetflags/actions/runs/7',
    });

    // THEN
    expect(result).toEqual({ id: 'mk-1' });
    expect(seen[0].path).toBe('/1/markers/__all__');
    expect(seen[0].headers['x-honeycomb-team']).toBe('hc-key');
    expect(seen[0].body).toEqual({
      message: 'deploy production 0123456 (#42) by alice: success',
      type: 'deploy',
      url: 'https://github.com/acme/fleetflags/actions/runs/7',
    });
  });

  test('uses HONEYCOMB_DATASET, and spans the deploy when given start and end', async () => {
    const config = honeycombConfigFromEnv({ HONEYCOMB_API_KEY: 'k', HONEYCOMB_DATASET: 'ingest-agents', HONEYCOMB_API_URL: url })!;

    await postMarker(config, { message: 'm', startTime: new Date('2026-11-25T12:00:00Z'), endTime: new Date('2026-11-25T12:04:00Z') });

    expect(seen[0].path).toBe('/1/markers/ingest-agents');
    expect(seen[0].body).toMatchObject({ start_time: 1795608000, end_time: 1795608240 });
  });

  test('a rejected marker throws a clear error', async () => {
    status = 401;
    const config = honeycombConfigFromEnv({ HONEYCOMB_API_KEY: 'bad', HONEYCOMB_API_URL: url })!;

    await expect(postMarker(config, { message: 'm' })).rejects.toThrow(/Honeycomb marker POST .*\/1\/markers\/__all__ failed \(401\): .*unknown API key.*HONEYCOMB_API_KEY/);
  });

  test('a rejection that echoes the API key does not put the key in the error', async () => {
    // GIVEN a key the API rejects, and echoes back
    status = 401;
    const config = honeycombConfigFromEnv({ HONEYCOMB_API_KEY: 'hc-secret-key-1234', HONEYCOMB_API_URL: url })!;
    // WHEN THEN the message names the failure with the key masked
    const error = await postMarker(config, { message: 'm' }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/unknown API key \*\*\* - check/);
    expect((error as Error).message).not.toContain('hc-secret-key-1234');
  });

  test('markers are off without a key; the API URL defaults to api.honeycomb.io', () => {
    expect(honeycombConfigFromEnv({})).toBeUndefined();
    expect(honeycombConfigFromEnv({ HONEYCOMB_API_KEY: 'k' })).toEqual({ apiKey: 'k', dataset: '__all__', apiUrl: 'https://api.honeycomb.io' });
  });
});
