/**
 * A stand-in for the GitHub REST API's Deployments endpoints, on 127.0.0.1:
 * deployments and their statuses in memory, every request recorded.
 */
import { createHash } from 'node:crypto';
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
  /** Branches, commits and files, and pull requests (the contents, git data and pulls endpoints). */
  readonly repository: FakeRepository;
  close(): Promise<void>;
}

/** A tiny in-memory git: each tree is a whole path -> text map; SHAs are content hashes. */
export interface FakeRepository {
  readonly refs: Map<string, string>;
  readonly commits: Map<string, { tree: string; parents: string[]; message: string }>;
  readonly trees: Map<string, Map<string, string>>;
  readonly pulls: { number: number; state: string; title: string; body: string; head: { ref: string }; base: { ref: string }; html_url: string }[];
  /** Commits `files` on `branch` (created when missing); returns the commit SHA. */
  commit(branch: string, files: Record<string, string>, message?: string): string;
  /** The files of `branch` (its head commit's tree). */
  filesOf(branch: string): Map<string, string>;
}

function sha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

function fakeRepository(): FakeRepository {
  const repo: FakeRepository = {
    refs: new Map(),
    commits: new Map(),
    trees: new Map(),
    pulls: [],
    commit(branch, files, message = 'commit') {
      const parent = repo.refs.get(branch);
      const tree = new Map(parent ? repo.trees.get(repo.commits.get(parent)!.tree) : []);
      for (const [p, text] of Object.entries(files)) tree.set(p, text);
      const treeSha = sha('tree', ...[...tree].sort().flat());
      repo.trees.set(treeSha, tree);
      const commitSha = sha('commit', treeSha, parent ?? '', message);
      repo.commits.set(commitSha, { tree: treeSha, parents: parent ? [parent] : [], message });
      repo.refs.set(branch, commitSha);
      return commitSha;
    },
    filesOf(branch) {
      return new Map(repo.trees.get(repo.commits.get(repo.refs.get(branch)!)!.tree));
    },
  };
  return repo;
}

/** The contents, git data and pulls endpoints; false when the request is not one of them. */
function handleRepository(
  repo: FakeRepository,
  base: string,
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: any,
  send: (status: number, data: unknown) => void,
): boolean {
  // Octokit encodes "/" inside a parameter ("heads%2Fmain", "flags%2Fsandbox.json"); GitHub accepts both.
  pathname = decodeURIComponent(pathname);
  const at = (prefix: string) => (pathname.startsWith(`${base}${prefix}`) ? pathname.slice(base.length + prefix.length) : undefined);
  const treeAt = (ref: string | null) => {
    const commit = repo.commits.has(ref ?? '') ? ref! : repo.refs.get(ref ?? 'main');
    return commit ? repo.trees.get(repo.commits.get(commit)!.tree) : undefined;
  };
  let rest: string | undefined;
  if (method === 'GET' && (rest = at('/git/ref/heads/')) !== undefined) {
    const target = repo.refs.get(rest);
    send(target ? 200 : 404, target ? { ref: `refs/heads/${rest}`, object: { sha: target, type: 'commit' } } : { message: 'Not Found' });
    return true;
  }
  if (method === 'GET' && (rest = at('/git/commits/')) !== undefined) {
    const c = repo.commits.get(rest);
    send(c ? 200 : 404, c ? { sha: rest, tree: { sha: c.tree }, parents: c.parents.map((p) => ({ sha: p })), message: c.message } : { message: 'Not Found' });
    return true;
  }
  if (method === 'POST' && pathname === `${base}/git/trees`) {
    const tree = new Map(repo.trees.get(body.base_tree) ?? []);
    for (const entry of body.tree as { path: string; content: string }[]) tree.set(entry.path, entry.content);
    const treeSha = sha('tree', ...[...tree].sort().flat());
    repo.trees.set(treeSha, tree);
    send(201, { sha: treeSha });
    return true;
  }
  if (method === 'POST' && pathname === `${base}/git/commits`) {
    const commitSha = sha('commit', body.tree, ...(body.parents as string[]), body.message);
    repo.commits.set(commitSha, { tree: body.tree, parents: body.parents, message: body.message });
    send(201, { sha: commitSha });
    return true;
  }
  if (method === 'POST' && pathname === `${base}/git/refs`) {
    const branch = String(body.ref).replace(/^refs\/heads\//, '');
    if (repo.refs.has(branch)) send(422, { message: 'Reference already exists' });
    else {
      repo.refs.set(branch, body.sha);
      send(201, { ref: body.ref, object: { sha: body.sha } });
    }
    return true;
  }
  if (method === 'PATCH' && (rest = at('/git/refs/heads/')) !== undefined) {
    const old = repo.refs.get(rest);
    if (!old) send(422, { message: 'Reference does not exist' });
    else if (!body.force && !repo.commits.get(body.sha)?.parents.includes(old)) send(422, { message: 'Update is not a fast forward' });
    else {
      repo.refs.set(rest, body.sha);
      send(200, { ref: `refs/heads/${rest}`, object: { sha: body.sha } });
    }
    return true;
  }
  if (method === 'GET' && (rest = at('/contents/')) !== undefined) {
    const tree = treeAt(query.get('ref'));
    const file = tree?.get(rest);
    if (file !== undefined) {
      send(200, { type: 'file', name: rest.split('/').pop(), path: rest, encoding: 'base64', content: Buffer.from(file).toString('base64') });
      return true;
    }
    const entries = [...(tree?.keys() ?? [])].filter((p) => p.startsWith(`${rest}/`) && !p.slice(rest!.length + 1).includes('/'));
    if (entries.length > 0) send(200, entries.sort().map((p) => ({ type: 'file', name: p.split('/').pop(), path: p })));
    else send(404, { message: 'Not Found' });
    return true;
  }
  if (method === 'GET' && pathname === `${base}/pulls`) {
    const head = query.get('head')?.split(':')[1];
    const state = query.get('state') ?? 'open';
    send(200, repo.pulls.filter((p) => (!head || p.head.ref === head) && (state === 'all' || p.state === state)));
    return true;
  }
  if (method === 'POST' && pathname === `${base}/pulls`) {
    if (!repo.refs.has(body.head)) {
      send(422, { message: `head ${body.head} does not exist` });
      return true;
    }
    const number = repo.pulls.length + 1;
    const pr = { number, state: 'open', title: body.title, body: body.body, head: { ref: body.head }, base: { ref: body.base }, html_url: `https://github.test/pull/${number}` };
    repo.pulls.push(pr);
    send(201, pr);
    return true;
  }
  if (method === 'PATCH' && (rest = at('/pulls/')) !== undefined) {
    const pr = repo.pulls.find((p) => p.number === Number(rest));
    if (!pr) send(404, { message: 'Not Found' });
    else {
      Object.assign(pr, { title: body.title ?? pr.title, body: body.body ?? pr.body });
      send(200, pr);
    }
    return true;
  }
  return false;
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
    repository: fakeRepository(),
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
    if (handleRepository(fake.repository, `/repos/${owner}/${repo}`, req.method ?? '', url.pathname, url.searchParams, body, send)) return;
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
