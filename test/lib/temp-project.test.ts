/**
 * The temporary copy of the project the end-to-end suites and the deploy bench run in.
 *
 * @reads flags/sandbox.json
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyProject, editProjectFlags, projectRoot } from '../../lib/temp-project';

describe('projectRoot', () => {
  it('GIVEN a directory below the project (bundled code runs from dist/) WHEN asked THEN it is the directory with cdktf.json', () => {
    const root = projectRoot();
    expect(existsSync(path.join(root, 'cdktf.json'))).toBe(true);
    expect(projectRoot(path.join(root, 'dist', 'scripts'))).toBe(root);
  });

  it('GIVEN a directory with no cdktf.json above it WHEN asked THEN it fails naming the directory', () => {
    expect(() => projectRoot('/')).toThrow('no cdktf.json above /');
  });
});

describe('copyProject', () => {
  it('GIVEN no git identity on the machine WHEN the project is copied THEN it is one commit on main, node_modules linked, with its own identity', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fleetflags-temp-project-')), 'repo');
    try {
      const git = copyProject(dir);
      expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
      expect(git('rev-list', '--count', 'HEAD')).toBe('1');
      expect(lstatSync(path.join(dir, 'node_modules')).isSymbolicLink()).toBe(true);
      expect(git('status', '--porcelain')).toBe('');
      // WHEN a flag is edited and committed THEN the commit works without any identity from outside
      editProjectFlags(dir, 'sandbox', (f) => (f.owner = 'temp-project-test'));
      expect(JSON.parse(readFileSync(path.join(dir, 'flags', 'sandbox.json'), 'utf8')).owner).toBe('temp-project-test');
      execFileSync('git', ['commit', '-q', '-am', 'edit'], { cwd: dir, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', HOME: dir } });
      expect(git('log', '-1', '--format=%an <%ae>')).toBe('Ada Operator <ada@example.com>');
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
