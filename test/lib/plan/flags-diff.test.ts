/**
 * What a PR changes in the flags files, read against the repository's own flags/.
 *
 * @reads flags/*.json
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffFlags, diffValues, readFlagsDir } from '../../../lib/plan/flags-diff';
import { renderMarkdown } from '../../../lib/plan/render';
import { tempDirs } from '../../helpers/temp-dirs';
import { newEnvironmentName } from '../../helpers/environments';

const tempDir = tempDirs();

const FLAGS_DIR = path.join(__dirname, '..', '..', '..', 'flags');

/** base: the repository's flags/; head: a copy with `edit` applied to one file's JSON. */
function withEdit(file: string, edit: (flags: any) => void) {
  const base = readFlagsDir(FLAGS_DIR);
  const head = new Map(base);
  const copy = JSON.parse(readFileSync(path.join(FLAGS_DIR, file), 'utf8'));
  edit(copy);
  head.set(file, copy);
  return diffFlags(base, head);
}

describe('diffFlags on real edits of flags/*.json', () => {
  test('a spot ratio edit in production is one row with its JSON path', () => {
    // GIVEN production's on-demand percentage raised from 30 to 50
    // WHEN diffed
    const changes = withEdit('production.json', (f) => (f.ingest.spot.onDemandPercentageAboveBaseCapacity = 50));

    // THEN exactly that leaf shows, in production only
    expect(changes).toEqual([
      { file: 'flags/production.json', environment: 'production', path: '$.ingest.spot.onDemandPercentageAboveBaseCapacity', before: 30, after: 50 },
    ]);
  });

  test('unchanged flags give no rows; schema.json is not a flags file', () => {
    const base = readFlagsDir(FLAGS_DIR);
    expect(base.has('schema.json')).toBe(false);
    expect(diffFlags(base, readFlagsDir(FLAGS_DIR))).toEqual([]);
  });

  test('enabling a catch-up fleet: added fields are rows from "absent"', () => {
    const changes = withEdit('sandbox.json', (f) => {
      f.catchUp = { enabled: true, expiresAt: '2026-12-01T18:00:00Z', size: 4 };
    });
    expect(changes.map((c) => [c.path, c.before, c.after])).toEqual([
      ['$.catchUp.enabled', false, true],
      ['$.catchUp.expiresAt', undefined, '2026-12-01T18:00:00Z'],
      ['$.catchUp.size', undefined, 4],
    ]);
  });

  test('a quarantine removed and an arch switched: array elements and keys, sorted by path', () => {
    const changes = withEdit('sandbox.json', (f) => {
      f.quarantines = [];
      f.arch = 'amd64';
    });
    expect(changes.map((c) => c.path)).toEqual(['$.arch', '$.quarantines[0]']);
    expect(changes[1].after).toBeUndefined();
    expect(changes[1].before).toMatchObject({ name: 'acme' });
  });

  test('keys that are not identifiers get bracket notation', () => {
    expect(diffValues({ tags: { 'cost-center': 'a' } }, { tags: { 'cost-center': 'b' } }).map((d) => d.path)).toEqual([['tags', 'cost-center']]);
    const changes = diffFlags(new Map([['x.json', { tags: { 'cost-center': 'a' } }]]), new Map([['x.json', { tags: { 'cost-center': 'b' } }]]));
    expect(changes[0].path).toBe('$.tags["cost-center"]');
  });

  test('a new environment is one row at "$"; a broken file still shows as changed', () => {
    const dir = tempDir('flags-diff-');
    mkdirSync(path.join(dir, 'head'));
    writeFileSync(path.join(dir, 'head', 'staging.json'), '{ "environment": "staging", }');
    const changes = diffFlags(new Map(), readFlagsDir(path.join(dir, 'head')));
    expect(changes).toEqual([{ file: 'flags/staging.json', environment: 'staging', path: '$', before: undefined, after: '{ "environment": "staging", }', environmentChange: 'added' }]);
  });

  test('an unreadable directory is a clear error', () => {
    expect(() => readFlagsDir('/nonexistent/flags')).toThrow(/Cannot read flags files from \/nonexistent\/flags \(ENOENT\)/);
  });
});

describe('flags changed, readable', () => {
  test('GIVEN a new environment (flags/staging.json added) WHEN rendered THEN "new environment staging", not a truncated object', () => {
    // GIVEN the repository's flags plus a copy of dogfood under a name no flags file has ("staging" unless one does)
    const name = newEnvironmentName(FLAGS_DIR);
    const base = readFlagsDir(FLAGS_DIR);
    const head = new Map(base);
    head.set(`${name}.json`, { ...(base.get('dogfood.json') as object), environment: name });
    // WHEN diffed and rendered
    const changes = diffFlags(base, head);
    const md = renderMarkdown([], { flagChanges: changes });
    // THEN one readable line
    expect(changes).toMatchObject([{ environment: name, path: '$', environmentChange: 'added' }]);
    expect(md).toContain(`**Flags:** 🆕 new environment \`${name}\` (\`flags/${name}.json\` added).`);
    expect(md).not.toMatch(/\(absent\)|truncated|…/);
  });

  test('GIVEN an environment deleted WHEN rendered THEN "environment deleted"', () => {
    const base = readFlagsDir(FLAGS_DIR);
    const head = new Map(base);
    head.delete('dogfood.json');
    const md = renderMarkdown([], { flagChanges: diffFlags(base, head) });
    expect(md).toContain('**Flags:** 🗑️ environment `dogfood` deleted (`flags/dogfood.json` removed).');
  });

  test('GIVEN a field removed so that its default applies WHEN rendered THEN the effective (default) value shows, not "(absent)"', () => {
    // sandbox's spot ratio removed: the schema's default (all on-demand) takes over
    const changes = withEdit('sandbox.json', (f) => delete f.ingest.spot);
    expect(changes).toMatchObject([
      { path: '$.ingest.spot', after: undefined, afterDefault: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 } },
    ]);
    const md = renderMarkdown([], { flagChanges: changes });
    expect(md).toContain(
      '| `$.ingest.spot` | `{"onDemandBaseCapacity":1,"onDemandPercentageAboveBaseCapacity":50}` | `{"onDemandBaseCapacity":0,"onDemandPercentageAboveBaseCapacity":100}` (default) |',
    );
  });
});
