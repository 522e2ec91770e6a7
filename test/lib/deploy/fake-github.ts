/**
 * A stand-in for the GitHub REST API's Deployments endpoints, on 127.0.0.1:
 * deployments and their statuses in memory, every request recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: any;
}

export interface FakeGitHub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly deployments: any[];
  readonly statuses: Map<number, any[]>;
  /** Issues (GET/POST /issues, PATCH /issues/:n), newest first when listed. */
  readonly issues: any[];
  /** Answer every request with this status. */
  failWith?: number;
  /** A clock for created_at, advanced by the tests. */
  now: Date;
  close(): Promise<void>;
}

export async function startFakeGitHub(owner = 'acme', repo = 'fleetflags'): Promise<FakeGitHub> {
  const base = `/repos/${owner}/${repo}/deployments`;
  let nextId = 1000;
  const fake = {
    requests: [] as RecordedRequest[],
    deployments: [] as any[],
    statuses: new Map<number, any[]>(),
    issues: [] as any[],
    now: new Date('2026-11-25T12:00:00Z'),
  } as FakeGitHub & { failWith?: number };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = text ? JSON.parse(text) : undefined;
    fake.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    if (fake.failWith) return send(fake.failWith, { message: 'Bad credentials' });

    const statusMatch = url.pathname.match(new RegExp(`^${base}/(\\d+)/statuses$`));
    if (req.method === 'POST' && url.pathname === base) {
      const d = {
        id: nextId++,
        sha: body.ref,
        ref: body.ref,
        task: body.task,
        environment: body.environment,
        payload: body.payload,
        description: body.description,
        created_at: fake.now.toISOString(),
        creator: { login: 'github-actions[bot]' },
      };
      fake.deployments.unshift(d);
      fake.statuses.set(d.id, []);
      return send(201, d);
    }
    if (req.method === 'GET' && url.pathname === base) {
      const env = url.searchParams.get('environment');
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      return send(200, fake.deployments.filter((d) => !env || d.environment === env).slice(0, perPage));
    }
    if (statusMatch && fake.statuses.has(Number(statusMatch[1]))) {
      const list = fake.statuses.get(Number(statusMatch[1]))!;
      if (req.method === 'POST') {
        const s = { id: nextId++, ...body, created_at: fake.now.toISOString(), target_url: body.log_url ?? '' };
        list.unshift(s);
        return send(201, s);
      }
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      return send(200, list.slice(0, perPage));
    }
    const issuesBase = `/repos/${owner}/${repo}/issues`;
    const oneIssue = url.pathname.match(new RegExp(`^${issuesBase}/(\\d+)$`));
    const withUrl = (i: any) => ({ ...i, html_url: `https://github.com/${owner}/${repo}/issues/${i.number}` });
    if (req.method === 'GET' && url.pathname === issuesBase) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      return send(200, [...fake.issues].sort((a, b) => b.number - a.number).slice(0, perPage).map(withUrl));
    }
    if (req.method === 'POST' && url.pathname === issuesBase) {
      const issue = { number: Math.max(0, ...fake.issues.map((i) => i.number)) + 1, state: 'open', title: body.title, body: body.body, updated_at: fake.now.toISOString() };
      fake.issues.push(issue);
      return send(201, withUrl(issue));
    }
    if (req.method === 'PATCH' && oneIssue) {
      const issue = fake.issues.find((i) => i.number === Number(oneIssue[1]));
      if (!issue) return send(404, { message: 'Not Found' });
      Object.assign(issue, body, { updated_at: fake.now.toISOString() });
      return send(200, withUrl(issue));
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
