import { attributeLines } from '../../../lib/plan/render-attributes';

describe('attributeLines', () => {
  test('a policy JSON string is diffed as a document, statement by statement', () => {
    // GIVEN a bucket policy whose second statement's resource changed
    const doc = (resource: string) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny' }, { Sid: 'Logs', Resource: resource }] });
    // WHEN its lines are computed
    const lines = attributeLines({ actions: ['update'], before: { policy: doc('a/*') }, after: { policy: doc('b/*') }, after_unknown: {} });
    // THEN one line, at the path inside the document
    expect(lines).toEqual([{ op: '~', path: 'jsondecode(policy).Statement[1].Resource', before: '"a/*"', after: '"b/*"', forcesReplacement: false }]);
  });

  test('nested sensitive marks mask only what they cover, never the value', () => {
    const lines = attributeLines({
      actions: ['update'],
      before: { user_data: 'old-secret', settings: [{ password: 'p1', size: 1 }] },
      after: { user_data: 'new-secret', settings: [{ password: 'p2', size: 2 }] },
      after_unknown: {},
      before_sensitive: { user_data: true, settings: [{ password: true }] },
      after_sensitive: { user_data: true, settings: [{ password: true }] },
    });
    expect(lines.map((l) => `${l.path}: ${l.before} → ${l.after}`)).toEqual([
      'settings[0].password: (sensitive value) → (sensitive value)',
      'settings[0].size: 1 → 2',
      'user_data: (sensitive value) → (sensitive value)',
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret"|p1|p2/);
  });

  test('unknown values, nested or whole, are "(known after apply)"; replace paths are flagged', () => {
    const lines = attributeLines({
      actions: ['delete', 'create'],
      before: { name: 'a', arn: 'arn:1', rule: [{ id: 'x' }] },
      after: { name: 'b', rule: [{}] },
      after_unknown: { arn: true, rule: [{ id: true }] },
      replace_paths: [['name']],
    });
    expect(lines).toEqual([
      { op: '~', path: 'arn', before: '"arn:1"', after: '(known after apply)', forcesReplacement: false },
      { op: '~', path: 'name', before: '"a"', after: '"b"', forcesReplacement: true },
      { op: '~', path: 'rule[0].id', before: '"x"', after: '(known after apply)', forcesReplacement: false },
    ]);
  });

  test('base64 user data is decoded and diffed line by line', () => {
    const script = (build: string) => Buffer.from(`#!/bin/bash\nset -eu\nBUILD='${build}'\nexec /opt/ingest/run\n`).toString('base64');
    const lines = attributeLines({ actions: ['update'], before: { user_data: script('2026.11.19-3') }, after: { user_data: script('2026.11.20-1') }, after_unknown: {} });
    expect(lines.map((l) => `${l.op} ${l.path} ${l.op === '-' ? l.before : l.after}`)).toEqual([
      `- base64decode(user_data) "BUILD='2026.11.19-3'"`,
      `+ base64decode(user_data) "BUILD='2026.11.20-1'"`,
    ]);
  });

  test('lists of plain values are one line; a delete lists nothing', () => {
    expect(attributeLines({ actions: ['update'], before: { subnets: ['a', 'b'] }, after: { subnets: ['a', 'b', 'c'] }, after_unknown: {} })).toEqual([
      { op: '~', path: 'subnets', before: '["a","b"]', after: '["a","b","c"]', forcesReplacement: false },
    ]);
    expect(attributeLines({ actions: ['delete'], before: { name: 'a' }, after: null })).toEqual([]);
  });
});
