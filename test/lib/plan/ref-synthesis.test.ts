/**
 * The base side of a plan (lib/plan/ref-synthesis.ts): the configuration at a git ref,
 * synthesized by that ref's own app command in a temporary checkout that never outlives
 * the call when it fails.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { ExitCode } from '../../../lib/errors';
import { synthesizeRef } from '../../../lib/plan/ref-synthesis';
import { makeGitRepo } from '../../helpers/git-repo';

describe('synthesizeRef: the base, synthesized by its own code in a temporary checkout', () => {
  const bases = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith('fleetflags-base-'));

  test('GIVEN a ref whose app command fails WHEN synthesized THEN the error says so, and its temporary checkout is gone', async () => {
    // GIVEN a commit with a flags file and an app command that fails
    const repo = makeGitRepo();
    try {
      repo.commit('base', { 'flags/sandbox.json': '{}\n', 'cdktf.json': JSON.stringify({ app: 'echo broken app >&2; exit 7' }) });
      // WHEN its configuration is synthesized THEN it fails, naming the ref and the app's output
      await expect(synthesizeRef(repo.dir, 'HEAD')).rejects.toMatchObject({ exitCode: ExitCode.Failure, message: expect.stringMatching(/^Cannot synthesize the base configuration at HEAD:\nbroken app/) });
      // AND no checkout is left behind
      expect(bases()).toEqual([]);
    } finally {
      repo.remove();
    }
  });

  test('GIVEN a ref with no app command WHEN synthesized THEN it is refused, and nothing is left behind', async () => {
    const repo = makeGitRepo();
    try {
      repo.commit('base', { 'flags/sandbox.json': '{}\n' });
      await expect(synthesizeRef(repo.dir, 'HEAD')).rejects.toThrow(/no cdktf\.json with an "app" command at that ref/);
      expect(bases()).toEqual([]);
    } finally {
      repo.remove();
    }
  });
});
