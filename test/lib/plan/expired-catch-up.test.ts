/**
 * Time alone breaks nothing: once the clock passes a catch-up fleet's expiry, a
 * plan of any change that does not touch that fleet goes ahead (a warning, and the
 * fleet planned at zero, as the deploy does); only a change to that catch-up fleet
 * is refused (exit 3). In a temporary git repository holding the project's flags.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../../lib/errors';
import { synthesizeHead } from '../../../lib/plan/ref-synthesis';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();
const EXPIRED_AT = '2026-01-01T18:00:00Z'; // before the machine's clock

/** A repository whose committed sandbox flags have an enabled catch-up fleet that has expired. */
function repoWithExpiredSandboxCatchUp(): { dir: string; editSandbox: (edit: (f: any) => void) => void } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = tempDir('fleetflags-expired-');
  cpSync('flags', path.join(dir, 'flags'), { recursive: true });
  const file = path.join(dir, 'flags', 'sandbox.json');
  const editSandbox = (edit: (f: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const f = JSON.parse(readFileSync(file, 'utf8'));
    edit(f);
    writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
  };
  editSandbox((f) => (f.catchUp = { enabled: true, expiresAt: EXPIRED_AT, size: 3 }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Ada Operator');
  git('config', 'user.email', 'ada@example.com');
  git('add', '-A');
  git('commit', '-q', '-m', 'sandbox: a catch-up fleet (which has since expired)');
  return { dir, editSandbox };
}

const catchUpGroup = (stacks: ReadonlyMap<string, any>) => // eslint-disable-line @typescript-eslint/no-explicit-any
  Object.values(stacks.get('sandbox-fleet')!.resource.aws_autoscaling_group as Record<string, { name: string }>).find((g) => g.name.endsWith('-catch-up'));

describe('an expired catch-up fleet, and plans of changes', () => {
  test('a plan of another environment goes ahead, with a warning about the expired fleet', () => {
    // GIVEN main has an expired catch-up fleet in the sandbox, and dogfood changes
    const r = repoWithExpiredSandboxCatchUp();
    const warnings: string[] = [];

    // WHEN dogfood is planned (npm run plan -- --env dogfood)
    const head = synthesizeHead(r.dir, ['dogfood'], { baseRef: 'HEAD', warn: (l) => warnings.push(l) });

    // THEN it synthesizes, and the sandbox's expiry is one warning line
    expect([...head.stacks.keys()]).toEqual(['dogfood-access', 'dogfood-data', 'dogfood-fleet']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: .*flags\/sandbox\.json: \$\.catchUp\.expiresAt: the catch-up fleet's expiry has passed .*planned at size zero/);
  });

  test('a plan of the environment itself synthesizes the expired fleet at zero, as the deploy does', () => {
    // GIVEN the same repository, and a change elsewhere in the sandbox flags
    const r = repoWithExpiredSandboxCatchUp();
    r.editSandbox((f) => (f.accessLogs.expirationDays = 30));

    // WHEN the sandbox is planned
    const head = synthesizeHead(r.dir, ['sandbox'], { baseRef: 'HEAD', warn: () => undefined });

    // THEN the catch-up group is at zero, with no schedule in the past
    expect(catchUpGroup(head.stacks)).toMatchObject({ min_size: 0, max_size: 0, desired_capacity: 0 });
    expect(head.stacks.get('sandbox-fleet')!.resource.aws_autoscaling_schedule).toBeUndefined();
  });

  test('a change to the expired catch-up fleet is refused (exit 3), whichever environment is planned', () => {
    // GIVEN a change that touches the expired fleet (a bigger size, the expiry left in the past)
    const r = repoWithExpiredSandboxCatchUp();
    r.editSandbox((f) => (f.catchUp.size = 6));

    // WHEN / THEN
    expect(() => synthesizeHead(r.dir, ['dogfood'], { baseRef: 'HEAD', warn: () => undefined })).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.FlagsInvalid,
        message: expect.stringMatching(/sandbox\.json: \$\.catchUp\.expiresAt: the catch-up fleet's expiry has passed .*this change touches \$\.catchUp \(it differs from HEAD\)/),
      }),
    );
  });

  test('turning the expired fleet off is a valid change', () => {
    const r = repoWithExpiredSandboxCatchUp();
    r.editSandbox((f) => (f.catchUp.enabled = false));
    const warnings: string[] = [];
    const head = synthesizeHead(r.dir, ['sandbox'], { baseRef: 'HEAD', warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([]);
    expect(catchUpGroup(head.stacks)).toBeUndefined();
  });
});
