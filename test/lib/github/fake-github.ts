/**
 * A local stand-in for the GitHub REST API on 127.0.0.1: the issue-comment and
 * pull-request endpoints the sticky comment uses, with real Link-header pagination.
 * Not a test file: the suites import it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly authorization?: string;
}

export interface FakeGitHub {
  readonly url: string;
  readonly comments: FakeComment[];
  readonly requests: RecordedRequest[];
  /** Open pull requests, for lookups by head (fork PRs under workflow_run). */
  readonly pulls: { number: number; head: { sha: string; ref: string; repo: { full_name: string } } }[];
  /** Files of each pull request (GET /pulls/:n/files), by number. */
  readonly pullFiles: Record<number, { filename: string; previous_filename?: string }[]>;
  /** Answer writes (POST/PATCH) with this status and body instead. */
  failWrites?: { status: number; body: unknown };
  close(): Promise<void>;
}

export const OWNER = 'acme';
export const REPO = 'fleetflags';
export const PR = 7;

/** Starts the fake API; comments are paged `perPageCap` at a time whatever per_page asks. */
export async function startFakeGitHub(options: { perPageCap?: number } = {}): Promise<FakeGitHub> {
  const cap = options.perPageCap ?? 100;
  let nextId = 1000;
  const state = {
    comments: [] as FakeComment[],
    requests: [] as RecordedRequest[],
    pulls: [] as FakeGitHub['pulls'],
    pullFiles: {} as FakeGitHub['pullFiles'],
    failWrites: undefined as FakeGitHub['failWrites'],
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      state.requests.push({ method: req.method ?? '', path: url.pathname + url.search, body, authorization: req.headers.authorization });
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(data));
      };
      const base = `/repos/${OWNER}/${REPO}`;
      const html = (id: number) => `https://github.example/${OWNER}/${REPO}/pull/${PR}#issuecomment-${id}`;
      const view = (c: FakeComment) => ({ ...c, html_url: html(c.id) });

      if ((req.method === 'POST' || req.method === 'PATCH') && state.failWrites) return send(state.failWrites.status, state.failWrites.body);

      if (req.method === 'GET' && url.pathname === `${base}/issues/${PR}/comments`) {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), cap);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(state.comments.length / perPage));
        const link = (p: number) => {
          const u = new URL(url.toString());
          u.searchParams.set('page', String(p));
          return u.toString();
        };
        const links: string[] = [];
        if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
        if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
        return send(200, state.comments.slice((page - 1) * perPage, page * perPage).map(view), links.length ? { link: links.join(', ') } : {});
      }
      if (req.method === 'POST' && url.pathname === `${base}/issues/${PR}/comments`) {
        const c: FakeComment = { id: nextId++, body: String(body?.body ?? ''), user: { login: 'github-actions[bot]', type: 'Bot' } };
        state.comments.push(c);
        return send(201, view(c));
      }
      const m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (req.method === 'PATCH' && m) {
        const c = state.comments.find((x) => x.id === Number(m[1]));
        if (!c) return send(404, { message: 'Not Found' });
        c.body = String(body?.body ?? '');
        return send(200, view(c));
      }
      const pull = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)(\/files)?$/.exec(url.pathname);
      if (req.method === 'GET' && pull) {
        const p = state.pulls.find((x) => x.number === Number(pull[1]));
        if (!p) return send(404, { message: 'Not Found' });
        return send(200, pull[2] ? (state.pullFiles[p.number] ?? []) : p);
      }
      if (req.method === 'GET' && url.pathname === `${base}/pulls`) {
        const head = url.searchParams.get('head') ?? '';
        const [owner, ref] = head.split(':');
        return send(200, state.pulls.filter((p) => !head || (p.head.repo.full_name.startsWith(`${owner}/`) && p.head.ref === ref)));
      }
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeGitHub;
}

/** `n` comments by people, none with the marker. */
export function humanComments(n: number, firstId = 1): FakeComment[] {
  return Array.from({ length: n }, (_, i) => ({ id: firstId + i, body: `LGTM ${i}`, user: { login: `dev${i % 3}`, type: 'User' } }));
}
