/**
 * The small part of Terraform's expression language that synthesized stacks use to
 * wire resources together, evaluated the way Terraform evaluates it:
 *
 * - template strings: `"${aws_s3_bucket.x.arn}/*"`, and a string that is one
 *   interpolation only (`"${aws_lb.x.arn}"`), which gives the value itself;
 * - references to a managed resource's attribute: `aws_lb.x.arn_suffix`,
 *   `aws_x.y.block[0].attr`;
 * - literals, tuples `[...]`, object constructors `{"k" = v}` and `jsonencode(...)`,
 *   encoded as Terraform's jsonencode does (object keys sorted, `<`, `>` and `&`
 *   escaped as \u003c, \u003e, \u0026, no spaces).
 *
 * Anything else (functions but jsonencode, operators, conditionals, `for`, `var.`,
 * `data.`, `local.`, `count.`) is Unsupported: the caller leaves such a value as it
 * is. Used by the speculative baseline's fold (state-references.ts) to fill what a
 * plan left "known after apply" from the configuration, so a round of the fixpoint
 * resolves the references between the resources it creates.
 */

/** A parsed expression. */
export type Expr =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'reference'; readonly type: string; readonly name: string; readonly path: readonly (string | number)[] }
  | { readonly kind: 'template'; readonly parts: ReadonlyArray<string | Expr> }
  | { readonly kind: 'tuple'; readonly items: readonly Expr[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [Expr, Expr]> }
  | { readonly kind: 'jsonencode'; readonly arg: Expr };

/** The expression uses something this evaluator does not model (thrown, caught by the caller). */
export class Unsupported extends Error {}

/** A referenced value is not settled yet (thrown by a lookup; the caller tries again later). */
export class Deferred extends Error {}

/** Looks up `type.name` and the path into its attributes; throws Deferred or Unsupported. */
export type Lookup = (type: string, name: string, path: readonly (string | number)[]) => unknown;

const NOT_RESOURCES = new Set(['var', 'local', 'data', 'module', 'each', 'count', 'path', 'self', 'terraform']);

/** Parses a configuration string (a template: literal text and `${...}` interpolations). */
export function parseTemplateString(source: string): Expr {
  const parser = new Parser(source);
  const parts = parser.template(null);
  return simplifyTemplate(parts);
}

/** True when a configuration string has interpolations (or directives) at all. */
export function isTemplate(source: string): boolean {
  return source.includes('${') || source.includes('%{');
}

/**
 * The value of a configuration value (a JSON value of a synthesized stack): strings
 * are templates, arrays and objects hold values. Throws Deferred or Unsupported.
 */
export function evaluateConfigValue(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') return isTemplate(value) ? evaluate(parseTemplateString(value), lookup) : value;
  if (Array.isArray(value)) return value.map((v) => evaluateConfigValue(v, lookup));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateConfigValue(v, lookup)]));
  }
  return value;
}

export function evaluate(expr: Expr, lookup: Lookup): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'reference':
      return lookup(expr.type, expr.name, expr.path);
    case 'template':
      return expr.parts.map((p) => (typeof p === 'string' ? p : templateString(evaluate(p, lookup)))).join('');
    case 'tuple':
      return expr.items.map((i) => evaluate(i, lookup));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of expr.entries) {
        const key = evaluate(k, lookup);
        if (typeof key !== 'string') throw new Unsupported(`object key ${JSON.stringify(key)}`);
        out[key] = evaluate(v, lookup);
      }
      return out;
    }
    case 'jsonencode':
      return jsonencode(evaluate(expr.arg, lookup));
  }
}

/** Terraform's jsonencode: compact, object keys sorted, HTML-sensitive characters escaped as Go does. */
export function jsonencode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Unsupported(`number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(jsonencode).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${goString(k)}:${jsonencode(v)}`).join(',')}}`;
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value interpolated into a template: strings, numbers and bools only. */
function templateString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Unsupported(`a ${v === null ? 'null' : typeof v} value in a template`);
}

/** `"${x}"` is x itself (any type); literal-only templates are strings. */
function simplifyTemplate(parts: ReadonlyArray<string | Expr>): Expr {
  const kept = parts.filter((p) => p !== '');
  if (kept.length === 1 && typeof kept[0] !== 'string') return kept[0];
  if (kept.every((p) => typeof p === 'string')) return { kind: 'literal', value: kept.join('') };
  return { kind: 'template', parts: kept };
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  /** Template text up to `end` (a closing quote inside an expression) or the end of the source. */
  template(end: '"' | null): Array<string | Expr> {
    const parts: Array<string | Expr> = [];
    let text = '';
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (end && c === end) break;
      if (c === '$' && this.src[this.i + 1] === '$' && this.src[this.i + 2] === '{') {
        text += '${';
        this.i += 3;
      } else if (c === '%' && this.src[this.i + 1] === '%' && this.src[this.i + 2] === '{') {
        text += '%{';
        this.i += 3;
      } else if (c === '%' && this.src[this.i + 1] === '{') {
        throw new Unsupported('template directive');
      } else if (c === '$' && this.src[this.i + 1] === '{') {
        this.i += 2;
        if (text) parts.push(text);
        text = '';
        parts.push(this.expression());
        this.ws();
        this.expect('}');
      } else if (end && c === '\\') {
        text += this.escape();
      } else {
        text += c;
        this.i++;
      }
    }
    if (end) this.expect(end);
    if (text) parts.push(text);
    return parts;
  }

  /** An expression up to a delimiter: anything after its primary (an operator, `?`) is Unsupported. */
  expression(): Expr {
    const expr = this.primary();
    this.ws();
    const next = this.src[this.i];
    if (next !== undefined && !',}])'.includes(next)) throw new Unsupported(`operator at ${JSON.stringify(this.src.slice(this.i, this.i + 20))}`);
    return expr;
  }

  private primary(): Expr {
    this.ws();
    const c = this.src[this.i];
    let expr: Expr;
    if (c === '{') expr = this.object();
    else if (c === '[') expr = this.tuple();
    else if (c === '"') {
      this.i++;
      expr = simplifyTemplate(this.template('"'));
    } else if (c !== undefined && /[-0-9]/.test(c)) expr = this.number();
    else if (c !== undefined && /[A-Za-z_]/.test(c)) expr = this.identifierExpression();
    else throw new Unsupported(`expression at ${JSON.stringify(this.src.slice(this.i, this.i + 20))}`);
    return expr;
  }

  private object(): Expr {
    this.expect('{');
    const entries: Array<readonly [Expr, Expr]> = [];
    for (;;) {
      this.ws();
      if (this.src[this.i] === '}') break;
      const key = this.src[this.i] === '"' ? this.primary() : { kind: 'literal' as const, value: this.identifier() };
      this.ws();
      if (this.src[this.i] !== '=' && this.src[this.i] !== ':') throw new Unsupported('object entry without = or :');
      this.i++;
      entries.push([key, this.expression()]);
      this.ws();
      if (this.src[this.i] === ',') this.i++;
    }
    this.expect('}');
    return { kind: 'object', entries };
  }

  private tuple(): Expr {
    this.expect('[');
    const items: Expr[] = [];
    for (;;) {
      this.ws();
      if (this.src[this.i] === ']') break;
      items.push(this.expression());
      this.ws();
      if (this.src[this.i] === ',') this.i++;
    }
    this.expect(']');
    return { kind: 'tuple', items };
  }

  private number(): Expr {
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.src.slice(this.i));
    if (!m) throw new Unsupported('number');
    this.i += m[0].length;
    return { kind: 'literal', value: Number(m[0]) };
  }

  private identifierExpression(): Expr {
    const first = this.identifier();
    if (first === 'true' || first === 'false') return { kind: 'literal', value: first === 'true' };
    if (first === 'null') return { kind: 'literal', value: null };
    this.ws();
    if (this.src[this.i] === '(') {
      if (first !== 'jsonencode') throw new Unsupported(`function ${first}`);
      this.i++;
      const arg = this.expression();
      this.ws();
      this.expect(')');
      return { kind: 'jsonencode', arg };
    }
    if (NOT_RESOURCES.has(first)) throw new Unsupported(`${first}. reference`);
    const steps: Array<string | number> = [];
    for (;;) {
      if (this.src[this.i] === '.' && /[A-Za-z_]/.test(this.src[this.i + 1] ?? '')) {
        this.i++;
        steps.push(this.identifier());
      } else if (this.src[this.i] === '.' && /\d/.test(this.src[this.i + 1] ?? '')) {
        this.i++;
        steps.push(Number(/^\d+/.exec(this.src.slice(this.i))![0]));
        this.i += String(steps[steps.length - 1]).length;
      } else if (this.src[this.i] === '[') {
        const m = /^\[(\d+)\]/.exec(this.src.slice(this.i));
        if (!m) throw new Unsupported('index that is not a number');
        steps.push(Number(m[1]));
        this.i += m[0].length;
      } else break;
    }
    if (steps.length < 2 || typeof steps[0] !== 'string') throw new Unsupported(`reference ${first}`);
    return { kind: 'reference', type: first, name: steps[0], path: steps.slice(1) };
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.i));
    if (!m) throw new Unsupported('identifier');
    this.i += m[0].length;
    return m[0];
  }

  private escape(): string {
    const c = this.src[this.i + 1];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
    if (c !== undefined && c in simple) {
      this.i += 2;
      return simple[c];
    }
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(this.src.slice(this.i + 2, this.i + 6))) {
      const ch = String.fromCharCode(parseInt(this.src.slice(this.i + 2, this.i + 6), 16));
      this.i += 6;
      return ch;
    }
    throw new Unsupported(`escape \\${c}`);
  }

  private ws(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i])) this.i++;
  }

  private expect(c: string): void {
    if (this.src[this.i] !== c) throw new Unsupported(`expected ${c} at ${JSON.stringify(this.src.slice(this.i, this.i + 20))}`);
    this.i++;
  }
}
