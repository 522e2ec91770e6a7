/**
 * A small git repository in a temporary folder, with its own identity (nothing from the
 * machine's git config is needed), for the rollback's suites; removed after the suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDirs } from '../../helpers/temp-dirs';

export interface GitRepo {
  readonly dir: string;
  git(...args: string[]): string;
  /** Writes `file` and commits it; returns the SHA. */
  commit(file: string, text: string, msg: string): string;
}

/** Call at a suite's top level (it registers the clean-up): then `repo()` makes one repository. */
export function gitRepos(): () => GitRepo {
  const temp = tempDirs();
  return () => {
    const dir = path.join(temp('fleetflags-rollback-'), 'repo');
    mkdirSync(dir);
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Ada Operator');
    git('config', 'user.email', 'ada@example.com');
    const commit = (file: string, text: string, msg: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
      git('add', '-A');
      git('commit', '-q', '-m', msg);
      return git('rev-parse', 'HEAD');
    };
    return { dir, git, commit };
  };
}
