import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PlanJson, ResourceChange } from '../../../../lib/deploy/guards/guard';
import {
  destructiveStatefulChanges,
  gitTrailerOverrides,
  parseTrailerLog,
  statefulChangesAllowed,
} from '../../../../lib/deploy/guards/stateful-changes-allowed';
import { contextFor } from '../helpers';

const TABLE = 'aws_dynamodb_table.LockTable_Resource_1A2B3C4D';
const BUCKET = 'aws_s3_bucket.ArtifactsBucket_Resource_5E6F7A8B';

describe('StatefulChangesAllowed', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'fleetflags-trailers-'));
    git(repo, 'init', '-q', '-b', 'main');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  test('blocks a plan that replaces the lock table, with the trailer to add', async () => {
    // GIVEN a plan replacing the lock table and a commit with no trailer
    const head = commit(repo, 'Rename the lock table');
    const plans = [{ stack: 'production-data', plan: plan(change(TABLE, 'aws_dynamodb_table', ['delete', 'create'])) }];

    // WHEN
    const result = await statefulChangesAllowed().run(contextFor('production', { plans, commits: { head }, repoDir: repo }));

    // THEN
    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/would delete or replace a stateful resource; nothing was applied/);
    expect(result.message).toContain(`delete+create ${TABLE} in production-data: the lock table`);
    expect(result.message).toContain(`Allow-Stateful-Change: ${TABLE}`);
  });

  test('blocks a bucket deletion and a bucket setting replacement', async () => {
    const plans = [
      {
        stack: 'production-data',
        plan: plan(
          change(BUCKET, 'aws_s3_bucket', ['delete']),
          change('aws_s3_bucket_versioning.V', 'aws_s3_bucket_versioning', ['create', 'delete']),
          change('aws_s3_bucket_policy.P', 'aws_s3_bucket_policy', ['update']),
        ),
      },
    ];

    const result = await statefulChangesAllowed({ overrides: async () => [] }).run(contextFor('production', { plans }));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/delete or replace 2 stateful resources/);
    expect(result.message).not.toMatch(/aws_s3_bucket_policy/);
  });

  test('passes when each destroyed resource is named by an Allow-Stateful-Change trailer in the range', async () => {
    // GIVEN two commits since the last deploy, each naming one resource
    const base = commit(repo, 'Deployed before');
    commit(repo, `Move the lock table\n\nWhy: new key schema.\n\nAllow-Stateful-Change: ${TABLE}`);
    const head = commit(repo, `Drop the old bucket\n\nallow-stateful-change: ${BUCKET}\nSigned-off-by: A <a@example.com>`);
    const plans = [
      { stack: 'production-data', plan: plan(change(TABLE, 'aws_dynamodb_table', ['delete', 'create']), change(BUCKET, 'aws_s3_bucket', ['delete'])) },
    ];

    // WHEN
    const result = await statefulChangesAllowed().run(contextFor('production', { plans, commits: { base, head }, repoDir: repo }));

    // THEN
    expect(result.outcome).toBe('pass');
    expect(result.message).toMatch(new RegExp(`allowed by Allow-Stateful-Change in [0-9a-f]{12}: delete\\+create ${TABLE.replace(/\./g, '\\.')}`));
  });

  test('a trailer naming another resource does not allow this one', async () => {
    const head = commit(repo, `Unrelated\n\nAllow-Stateful-Change: ${BUCKET}`);
    const plans = [{ stack: 'production-data', plan: plan(change(TABLE, 'aws_dynamodb_table', ['delete'])) }];

    const result = await statefulChangesAllowed().run(contextFor('production', { plans, commits: { head }, repoDir: repo }));

    expect(result.outcome).toBe('block');
  });

  test('a trailer outside the commits being deployed does not count', async () => {
    const old = commit(repo, `Old\n\nAllow-Stateful-Change: ${TABLE}`);
    const head = commit(repo, 'New');
    const plans = [{ stack: 'production-data', plan: plan(change(TABLE, 'aws_dynamodb_table', ['delete'])) }];

    const result = await statefulChangesAllowed().run(contextFor('production', { plans, commits: { base: old, head }, repoDir: repo }));

    expect(result.outcome).toBe('block');
  });

  test('passes a plan that only creates and updates', async () => {
    const plans = [
      {
        stack: 'production-fleet',
        plan: plan(
          change(TABLE, 'aws_dynamodb_table', ['update']),
          change('aws_autoscaling_group.Ingest', 'aws_autoscaling_group', ['delete', 'create']),
          change('aws_s3_bucket.New', 'aws_s3_bucket', ['create']),
          change('aws_s3_bucket.Gone', 'aws_s3_bucket', ['forget']),
        ),
      },
    ];

    const result = await statefulChangesAllowed({ overrides: async () => [] }).run(contextFor('production', { plans }));

    expect(result).toMatchObject({ outcome: 'pass', message: 'no stateful resource is deleted or replaced' });
  });
});

test('destructiveStatefulChanges ignores data sources and no-ops', () => {
  const rc: ResourceChange = { address: 'data.aws_s3_bucket.x', type: 'aws_s3_bucket', mode: 'data', change: { actions: ['delete'] } };
  expect(destructiveStatefulChanges([{ stack: 's', plan: plan(rc, change(TABLE, 'aws_dynamodb_table', ['no-op'])) }])).toEqual([]);
});

test('parseTrailerLog reads several trailers per commit', () => {
  const out = `abc\x1fa.b\x1ec.d\x1d\ndef\x1f\x1d\n`;
  expect(parseTrailerLog(out)).toEqual([
    { address: 'a.b', commit: 'abc' },
    { address: 'c.d', commit: 'abc' },
  ]);
});

test('gitTrailerOverrides fails with a message when the commit is not in the clone', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetflags-trailers-'));
  try {
    git(dir, 'init', '-q');
    await expect(gitTrailerOverrides({ base: 'deadbeef', head: 'HEAD' }, dir)).rejects.toThrow(/git log deadbeef\.\.HEAD failed .*fetch-depth: 0/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function plan(...changes: ResourceChange[]): PlanJson {
  return { format_version: '1.2', resource_changes: changes };
}

function change(address: string, type: string, actions: string[]): ResourceChange {
  return { address, type, mode: 'managed', name: address.split('.')[1], change: { actions } };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

let n = 0;
function commit(repo: string, message: string): string {
  writeFileSync(path.join(repo, 'file.txt'), String(n++));
  git(repo, 'add', 'file.txt');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}
