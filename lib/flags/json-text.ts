/**
 * A flags file as text, before the schema: what `JSON.parse` rejects, said in one line, and what it
 * lets through without a word. Every problem names the file, the JSON path, the value and what is
 * allowed (lib/errors/, flagsProblems).
 * - bytes that are not UTF-8 text (UTF-16, as Windows PowerShell 5 writes; Latin-1);
 * - a byte-order mark: said, then read past, so the file's other problems show too;
 * - a syntax error, at its line and column, V8's quote of the text escaped onto one line;
 * - nesting deeper than MAX_FLAGS_DEPTH, in the value or in the text (a copy JSON.parse dropped),
 *   before anything recursive reads either;
 * - a field given twice in one object (JSON.parse keeps the last).
 */
import { createScanner, parse, SyntaxKind, visit, type ParseError } from 'jsonc-parser';
import { flagsProblems, jsonPath, type FlagsProblem } from '../errors';

/** The deepest a flags file nests objects and arrays; the schema needs 4. */
export const MAX_FLAGS_DEPTH = 32;

const BYTE_ORDER_MARK = '\uFEFF';

/** A flags file's bytes as text, or the problem that they are not UTF-8 text. A byte-order mark stays (parseJsonText says it). */
export function decodeFlagsBytes(file: string, bytes: Uint8Array): { text: string } | { problem: FlagsProblem } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: flagsProblems.notUtf8(file, `UTF-16: it starts with the bytes ${bytes[0].toString(16).toUpperCase()} ${bytes[1].toString(16).toUpperCase()}`) };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    return { problem: flagsProblems.notUtf8(file, `a byte UTF-8 cannot read on line ${line} (Latin-1 or Windows-1252?)`) };
  }
}

/**
 * The value of a flags file's text, and every problem of the text itself. `parsed` is false when
 * the file has no value to check further (not JSON, not text, nested too deeply).
 */
export function parseJsonText(file: string, text: string): { parsed: boolean; value?: unknown; problems: FlagsProblem[] } {
  const problems: FlagsProblem[] = [];
  if (text.startsWith(BYTE_ORDER_MARK)) {
    problems.push(flagsProblems.byteOrderMark(file));
    text = text.slice(BYTE_ORDER_MARK.length);
  }
  // UTF-16 without a byte-order mark reads as UTF-8 with a NUL in every other byte. A stray NUL is JSON.parse's to name.
  const nuls = text.split('\u0000').length - 1;
  if (nuls > 0 && nuls >= text.length / 4) {
    return { parsed: false, problems: [...problems, flagsProblems.notUtf8(file, 'UTF-16 without a byte-order mark: every other byte is NUL')] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { parsed: false, problems: [...problems, flagsProblems.invalidJson(file, describeJsonError(text, (e as Error).message))] };
  }
  // Before anything recurses into the value (the schema, the messages) or the text (the duplicate check):
  // a file nested thousands of levels deep would otherwise overflow the stack.
  const deep = firstTooDeep(value, MAX_FLAGS_DEPTH) ?? deepestInText(text, MAX_FLAGS_DEPTH);
  if (deep) return { parsed: false, problems: [...problems, flagsProblems.nestedTooDeep(file, jsonPath(deep.path), deep.kind, MAX_FLAGS_DEPTH)] };
  problems.push(...duplicateFields(file, text, value));
  return { parsed: true, value, problems };
}

/** The first object or array nested deeper than `max` levels (iteratively: no recursion). */
export function firstTooDeep(value: unknown, max: number): { path: PropertyKey[]; kind: 'object' | 'array' } | undefined {
  const stack: { node: unknown; path: PropertyKey[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path: at } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (at.length >= max) return { path: at, kind: Array.isArray(node) ? 'array' : 'object' };
    const entries: [PropertyKey, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries) stack.push({ node: v, path: [...at, k] });
  }
  return undefined;
}

/**
 * Nesting deeper than `max` anywhere in the text, the copies JSON.parse dropped included (token by
 * token: no recursion). Reported at "$": a dropped copy has no path in the value.
 */
function deepestInText(text: string, max: number): { path: PropertyKey[]; kind: 'object' | 'array' } | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      depth += 1;
      if (depth > max) return { path: [], kind: token === SyntaxKind.OpenBraceToken ? 'object' : 'array' };
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth -= 1;
    }
  }
  return undefined;
}

/** One occurrence of a field: where, and its value as written (an object or array shortened). */
interface Occurrence {
  readonly line: number;
  readonly column: number;
  valueText: string;
}

/**
 * A field given twice in one object (`"catchUp"` twice, as a merge that kept both sides leaves it):
 * JSON.parse keeps the last without a word, so the file would deploy what its reader may not see.
 * One problem per field: where each copy is and what it says; the value is the one in effect.
 * Call it only on text whose nesting is bounded (parseJsonText checks first): `visit` recurses.
 */
export function duplicateFields(file: string, text: string, value: unknown): FlagsProblem[] {
  const open: Array<Map<string, Occurrence[]>> = [];
  const found: Array<{ path: Array<string | number>; occurrences: Occurrence[] }> = [];
  let pending: Occurrence | undefined;
  const valueSeen = (valueText: string) => {
    if (pending) pending.valueText = valueText;
    pending = undefined;
  };
  visit(text, {
    onObjectBegin: () => {
      valueSeen('{...}');
      open.push(new Map());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onArrayBegin: () => valueSeen('[...]'),
    onLiteralValue: (_value, offset, length) => valueSeen(text.slice(offset, offset + length)),
    onObjectProperty: (key, _offset, _length, startLine, startCharacter, pathSupplier) => {
      const seen = open[open.length - 1];
      pending = { line: startLine + 1, column: startCharacter + 1, valueText: '' };
      const occurrences = seen.get(key);
      if (!occurrences) {
        seen.set(key, [pending]);
        return;
      }
      occurrences.push(pending);
      if (occurrences.length === 2) found.push({ path: [...pathSupplier(), key], occurrences });
    },
  });
  return found.map(({ path: at, occurrences }) => {
    // Columns only where two copies share a line (a file on one line).
    const columns = new Set(occurrences.map((o) => o.line)).size < occurrences.length;
    // What `notifications` holds is never echoed: a webhook URL put there carries its token (errors.endpointInFlags).
    const secret = at[0] === 'notifications';
    const where = occurrences.map((o) => `${columns ? `line ${o.line}, column ${o.column}` : `line ${o.line}`}${secret ? '' : `: ${o.valueText}`}`);
    return flagsProblems.duplicateField(file, jsonPath(at), where, secret ? NOT_SHOWN : valueAt(value, at));
  });
}

/** The value at a path of keys and indexes (the one JSON.parse kept). */
function valueAt(value: unknown, at: ReadonlyArray<string | number>): unknown {
  let node = value;
  for (const key of at) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return node;
}

const NOT_SHOWN = 'not shown: notifications may hold a webhook token';

/**
 * V8's message for a syntax error, on one line, with the line and column of the error. V8 quotes the
 * text around an unexpected token: left out (it could be part of a token the file should not hold);
 * the position is then jsonc-parser's. A control character V8 names is escaped.
 */
function describeJsonError(text: string, rawMessage: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const message = rawMessage.replace(/[\u0000-\u001f\u007f]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const quoted = /^(Unexpected token '.*?'), .* is not valid JSON$/s.exec(message);
  const position = /position (\d+)/.exec(message);
  const what = quoted ? quoted[1] : message.replace(/\s*(in JSON )?at position \d+.*$/, '');
  const offset = position ? Number(position[1]) : firstSyntaxErrorOffset(text);
  if (offset === undefined) return what;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${what} at line ${line}, column ${column}`;
}

/** Where jsonc-parser finds the first syntax error (its parser recurses: not for text nested too deeply). */
function firstSyntaxErrorOffset(text: string): number | undefined {
  if (deepestInText(text, MAX_FLAGS_DEPTH)) return undefined;
  const found: ParseError[] = [];
  parse(text, found, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return found[0]?.offset;
}
