/**
 * A flags file as text, before the schema (lib/flags/json-text.ts): what JSON.parse rejects, said on
 * one line, and what it lets through without a word.
 *
 * @reads flags/sandbox.json
 */
import { readFileSync } from 'node:fs';
import { formatProblem } from '../../../lib/errors';
import { decodeFlagsBytes, MAX_FLAGS_DEPTH, parseJsonText } from '../../../lib/flags/json-text';
import { parseFlags } from '../../../lib/flags/load';

const SANDBOX = readFileSync('flags/sandbox.json', 'utf8');
/** The lines parseJsonText prints for a text (file f.json). */
const linesOf = (text: string) => parseJsonText('f.json', text).problems.map(formatProblem);

describe('a field given twice in one object', () => {
  it('GIVEN a field twice at the top and once more, and twice in an array element WHEN read THEN one problem per field: each copy\'s line and value, the last in effect', () => {
    // GIVEN
    const text = ['{', '  "arch": "amd64",', '  "quarantines": [{ "name": "a",', '    "name": "b" }],', '  "arch": "arm64",', '  "arch": {"x": 1}', '}'].join('\n');
    // WHEN
    const lines = linesOf(text);
    // THEN
    expect(lines).toEqual([
      'f.json: $.quarantines[0].name: the field is given 2 times in its object (line 3: "a"; line 4: "b"), and JSON.parse keeps only the last ' +
        'without a word; got "b"; allowed: each field once; fix: keep the one you mean and delete the others (a merge may have kept both sides)',
      expect.stringMatching(/^f\.json: \$\.arch: the field is given 3 times in its object \(line 2: "amd64"; line 5: "arm64"; line 6: \{\.\.\.\}\), .*; got \{"x":1\}; /),
    ]);
  });

  it('GIVEN a webhook URL given twice under notifications WHEN read THEN the lines only: neither copy\'s value is echoed', () => {
    // GIVEN
    const text = '{"notifications": [{"name": "x",\n"url": "https://hooks.slack.com/services/T0/B0/FIRSTTOKEN",\n"url": "https://hooks.slack.com/services/T0/B0/SECONDTOKEN"}]}';
    // WHEN
    const lines = linesOf(text);
    // THEN
    expect(lines).toEqual([
      'f.json: $.notifications[0].url: the field is given 2 times in its object (line 2; line 3), and JSON.parse keeps only the last without a word; ' +
        'got "not shown: notifications may hold a webhook token"; allowed: each field once; fix: keep the one you mean and delete the others (a merge may have kept both sides)',
    ]);
    expect(lines.join('\n')).not.toMatch(/TOKEN/);
  });

  it('GIVEN an object twice (a merge that kept both sides) WHEN read THEN the object is named, not the fields each copy holds once', () => {
    const text = '{"catchUp": {"enabled": true, "size": 2},\n"catchUp": {"enabled": false}}';
    expect(parseJsonText('f.json', text).problems.map((p) => [p.path, p.value])).toEqual([['$.catchUp', { enabled: false }]]);
  });

  it('GIVEN a file on one line, and one with CRLF line ends WHEN read THEN columns where copies share a line; CRLF lines counted once', () => {
    // GIVEN WHEN THEN
    expect(linesOf('{"a": 1, "a": 2}')[0]).toContain('(line 1, column 2: 1; line 1, column 10: 2)');
    expect(linesOf('{\r\n"a": 1,\r\n\r\n"a": 2\r\n}')[0]).toContain('(line 2: 1; line 4: 2)');
  });

  it('GIVEN the same field name in different objects WHEN read THEN no problem', () => {
    expect(linesOf('{"ingest": {"size": 1}, "catchUp": {"size": 2}, "quarantines": [{"name": "a"}, {"name": "b"}]}')).toEqual([]);
  });

  it('GIVEN a copy JSON.parse drops, nested thousands of levels WHEN read THEN "nested too deeply", not a stack overflow', () => {
    // GIVEN a first "arch" 20,000 arrays deep, a second one plain (JSON.parse keeps the plain one)
    const text = `{"arch": ${'['.repeat(20_000)}${']'.repeat(20_000)}, "arch": "arm64"}`;
    // WHEN
    const result = parseJsonText('f.json', text);
    // THEN
    expect(result.parsed).toBe(false);
    expect(result.problems.map(formatProblem)).toEqual([
      `f.json: $: nested too deeply (more than ${MAX_FLAGS_DEPTH} levels of objects and arrays); got "an array nested deeper than ${MAX_FLAGS_DEPTH} levels"; ` +
        `allowed: at most ${MAX_FLAGS_DEPTH} levels; flags/schema.json nests at most 4; fix: remove the nested value; flags/schema.json lists every field`,
    ]);
  });
});

describe('text that is not JSON, or not UTF-8', () => {
  it('GIVEN a byte-order mark and an unknown field WHEN parsed THEN both problems, and no flags', () => {
    // GIVEN the shipped sandbox flags with a BOM and an unknown field
    const text = `\uFEFF${JSON.stringify({ ...JSON.parse(SANDBOX), archh: 'arm64' })}`;
    // WHEN
    const { flags, problems } = parseFlags('flags/sandbox.json', text);
    // THEN
    expect(flags).toBeUndefined();
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      ['$', 'the file starts with a byte-order mark, which JSON does not allow'],
      ['$.archh', expect.stringMatching(/^unknown field "archh" \(a typo of "arch"\?\)/)],
    ]);
  });

  it('GIVEN an unexpected control character, and an unquoted webhook URL WHEN parsed THEN one line with its line and column, and none of the text around it (V8 quotes it)', () => {
    // GIVEN WHEN
    const [line, ...more] = linesOf('{\n\t"a": 1,\r\n\t"b": \u0001\n}');
    const [nearSecret] = linesOf('{"notifications": {"url": https://hooks.slack.com/T0/SECRETTOKEN}}');
    // THEN
    expect(more).toEqual([]);
    expect(line).toBe(
      "f.json: $: not valid JSON (Unexpected token '\\u0001' at line 3, column 7); got nothing; allowed: a JSON object; check for a trailing comma or a missing quote",
    );
    // (V8's own message quoted '..."url": https://ho"...')
    expect(nearSecret).toMatch(/^f\.json: \$: not valid JSON \(Unexpected token 'h' at line 1, column 27\);/);
    expect(nearSecret).not.toMatch(/hooks|https/);
  });

  it('GIVEN UTF-16 with and without a byte-order mark, and Latin-1 WHEN read THEN "not UTF-8 text", saying what was found', () => {
    // GIVEN
    const utf16 = Buffer.from(SANDBOX, 'utf16le');
    const latin1 = Buffer.from(SANDBOX.replace('"sandbox"', '"sandbøx"'), 'latin1');
    // WHEN THEN
    const found = (bytes: Uint8Array) => {
      const decoded = decodeFlagsBytes('f.json', bytes);
      if ('text' in decoded) return parseJsonText('f.json', decoded.text).problems.map((p) => [p.problem, p.value]);
      return [[decoded.problem.problem, decoded.problem.value]];
    };
    expect(found(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]))).toEqual([['the file is not UTF-8 text', 'UTF-16: it starts with the bytes FF FE']]);
    expect(found(utf16)).toEqual([['the file is not UTF-8 text', 'UTF-16 without a byte-order mark: every other byte is NUL']]);
    expect(found(latin1)).toEqual([['the file is not UTF-8 text', 'a byte UTF-8 cannot read on line 3 (Latin-1 or Windows-1252?)']]);
    // and UTF-8 itself, a BOM kept for parseJsonText to name
    expect(decodeFlagsBytes('f.json', Buffer.from(`\uFEFF${SANDBOX}`))).toEqual({ text: `\uFEFF${SANDBOX}` });
  });

  it('GIVEN one stray NUL in a string WHEN parsed THEN JSON.parse\'s own problem, at its line (not "not UTF-8")', () => {
    expect(linesOf('{\n"a": "x\u0000y"\n}')).toEqual([expect.stringMatching(/^f\.json: \$: not valid JSON \(Bad control character in string literal at line 2, column 8\)/)]);
  });
});

describe('values the schema reads', () => {
  const withValue = (edit: (flags: Record<string, unknown>) => void) => {
    const flags = JSON.parse(SANDBOX) as Record<string, unknown>;
    edit(flags);
    return parseFlags('flags/sandbox.json', JSON.stringify(flags).replace('"__INFINITY__"', '-1e400')).problems.map(formatProblem);
  };

  it('GIVEN a number beyond a double in a number field WHEN parsed THEN it is named as infinite, not as null of the wrong type', () => {
    const [line] = withValue((f) => ((f.lockTable as Record<string, unknown>).backfillMinutes = '__INFINITY__'));
    expect(line).toMatch(
      /^flags\/sandbox\.json: \$\.lockTable\.backfillMinutes: the number is beyond what a number can hold \(about ±1\.8e308\), so it reads as infinite; got -Infinity; allowed: a number \(Range 1-10080/,
    );
  });

  it('GIVEN the same number in a string field WHEN parsed THEN the wrong type, the value shown as infinite', () => {
    const [line] = withValue((f) => ((f.aws as Record<string, unknown>).region = '__INFINITY__'));
    expect(line).toMatch(/^flags\/sandbox\.json: \$\.aws\.region: wrong type \(a number\); got -Infinity; allowed: /);
  });

  it('GIVEN tag values at 256 characters, empty, in other scripts, at 257, and with a character AWS refuses WHEN parsed THEN only the last two fail, each named', () => {
    // GIVEN
    const tags = { long: 'x'.repeat(256), empty: '', owner: 'Zoë Ω-team 42', longer: 'x'.repeat(257), zeroWidth: 'a\u200bb' };
    // WHEN
    const lines = withValue((f) => (f.tags = tags));
    // THEN
    expect(lines).toEqual([
      expect.stringMatching(/^flags\/sandbox\.json: \$\.tags\.longer: out of range; got "x{116}\.\.\.; allowed: at most 256 characters/),
      'flags/sandbox.json: $.tags.zeroWidth: does not match the expected format; got "a\u200bb"; ' +
        'allowed: letters, digits and spaces (any script) and _ . : / = + - @ only; "\u200b" (U+200B) is not one',
    ]);
  });
});
