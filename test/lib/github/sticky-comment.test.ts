import { FleetflagsError } from '../../../lib/errors';
import { createOctokit, upsertStickyComment } from '../../../lib/github/sticky-comment';
import { humanComments, OWNER, PR, REPO, startFakeGitHub, type FakeGitHub } from './fake-github';

const MARKER = '<!-- fleetflags:plan -->';

describe('upsertStickyComment against a local GitHub API', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub({ perPageCap: 100 });
  });
  afterEach(async () => {
    await gh.close();
  });

  const upsert = (body: string, author?: string) =>
    upsertStickyComment({
      octokit: createOctokit({ token: 'test-token', baseUrl: gh.url }),
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body,
      marker: MARKER,
      author,
    });

  test('creates the comment when the PR has none, with the marker at the top', async () => {
    // GIVEN a PR with comments by people only
    gh.comments.push(...humanComments(3));

    // WHEN the plan comment is upserted
    const result = await upsert(`${MARKER}\n## Terraform plan\nfirst`);

    // THEN one comment is created, carrying the marker, with the token sent
    expect(result.action).toBe('created');
    expect(gh.comments).toHaveLength(4);
    expect(gh.comments[3].body.startsWith(MARKER)).toBe(true);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gh.requests[0].authorization).toBe('token test-token');
  });

  test('a body without the marker gets it, so the next run finds the comment', async () => {
    const result = await upsert('## Terraform plan\nno marker');
    expect(result.action).toBe('created');
    expect(gh.comments[0].body).toBe(`${MARKER}\n## Terraform plan\nno marker`);
  });

  test('updates the existing comment in place and never creates a second', async () => {
    // GIVEN a PR whose plan comment exists
    await upsert(`${MARKER}\nfirst plan`);
    gh.comments.push(...humanComments(2, 50));

    // WHEN a new plan is upserted twice
    const second = await upsert(`${MARKER}\nsecond plan`);
    const third = await upsert(`${MARKER}\nsecond plan`);

    // THEN the same comment holds the new body; the identical re-post is not written again
    expect(second).toMatchObject({ action: 'updated', commentId: gh.comments[0].id });
    expect(third.action).toBe('unchanged');
    expect(gh.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
    expect(gh.comments[0].body).toBe(`${MARKER}\nsecond plan`);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  test('finds the marker on a later page by following the Link header', async () => {
    // GIVEN 250 comments by people, then the plan comment (page 3 of 100 per page)
    gh.comments.push(...humanComments(250));
    gh.comments.push({ id: 9001, body: `${MARKER}\nold plan`, user: { login: 'github-actions[bot]', type: 'Bot' } });

    // WHEN the plan comment is upserted
    const result = await upsert(`${MARKER}\nnew plan`);

    // THEN every page was read, and the comment on page 3 was updated, not duplicated
    const pages = gh.requests.filter((r) => r.method === 'GET').map((r) => new URL(r.path, gh.url).searchParams.get('page') ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
    expect(result).toMatchObject({ action: 'updated', commentId: 9001, commentsScanned: 251 });
    expect(gh.comments).toHaveLength(251);
    expect(gh.comments[250].body).toBe(`${MARKER}\nnew plan`);
  });

  test('a comment that merely quotes the marker is not taken over when the author is given', async () => {
    gh.comments.push({ id: 5, body: `${MARKER}\nquoted by a person`, user: { login: 'dev0', type: 'User' } });
    const result = await upsert(`${MARKER}\nplan`, 'github-actions[bot]');
    expect(result.action).toBe('created');
    expect(gh.comments[0].body).toBe(`${MARKER}\nquoted by a person`);
  });

  test('a 422 from GitHub becomes a FleetflagsError that says what was refused and how to fix it', async () => {
    // GIVEN an API that refuses the body
    gh.failWrites = {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      },
    };

    // WHEN the comment is upserted
    const attempt = upsert(`${MARKER}\n${'x'.repeat(100)}`);

    // THEN the error names the refusal, GitHub's reason, the body length and the fix
    await expect(attempt).rejects.toThrow(FleetflagsError);
    await expect(upsert(`${MARKER}\n${'x'.repeat(100)}`)).rejects.toThrow(
      /refused to create a comment on acme\/fleetflags#7 \(422 Unprocessable Entity\): Validation Failed \(body is too long \(maximum is 65536 characters\)\)\. The body was 125 characters.*re-render/s,
    );
  });

  test('a 403 says which permission the job needs', async () => {
    gh.failWrites = { status: 403, body: { message: 'Resource not accessible by integration' } };
    await expect(upsert(`${MARKER}\nplan`)).rejects.toThrow(/returned 403: Resource not accessible by integration.*pull-requests: write/s);
  });
});
