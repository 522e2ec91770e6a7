/**
 * A stand-in for Honeycomb's SLO API on 127.0.0.1: `GET /1/slos/{dataset}/{sloId}`
 * answers each SLO's `budget_remaining` from `budgets`; every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHoneycomb {
  readonly url: string;
  readonly requests: { readonly method: string; readonly path: string; readonly apiKey?: string }[];
  /** "<dataset>/<sloId>" -> percent of budget left. */
  budgets: Map<string, number>;
  /** Answer every request with this status (and echo the key back, as a careless proxy might). */
  failWith?: number;
  close(): Promise<void>;
}

export async function startFakeHoneycomb(budgets: Record<string, number> = {}): Promise<FakeHoneycomb> {
  const fake = { requests: [], budgets: new Map(Object.entries(budgets)) } as unknown as FakeHoneycomb & { failWith?: number };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const apiKey = req.headers['x-honeycomb-team'] as string | undefined;
    fake.requests.push({ method: req.method ?? '', path: url.pathname + url.search, apiKey });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (fake.failWith) return send(fake.failWith, { error: `upstream failed for key ${apiKey}` });
    if (!apiKey) return send(401, { error: 'unknown API key - check your credentials' });
    const m = url.pathname.match(/^\/1\/slos\/([^/]+)\/([^/]+)$/);
    const key = m ? `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}` : '';
    if (req.method !== 'GET' || !fake.budgets.has(key)) return send(404, { error: 'SLO not found' });
    const detailed = url.searchParams.get('detailed') === 'true';
    send(200, {
      id: m![2],
      name: `SLO ${m![2]}`,
      target_per_million: 999000,
      time_period_days: 30,
      ...(detailed ? { compliance: 99.5, budget_remaining: fake.budgets.get(key) } : {}),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return fake;
}
