import { Deferred, evaluate, evaluateConfigValue, jsonencode, type Lookup, parseTemplateString, Unsupported } from '../../../lib/plan/hcl-expression';

/** A lookup over fixed attributes: `type.name` -> attributes. */
const lookupIn =
  (resources: Record<string, Record<string, unknown>>): Lookup =>
  (type, name, path) => {
    let v: unknown = resources[`${type}.${name}`];
    if (v === undefined) throw new Unsupported(`${type}.${name}`);
    for (const p of path) v = (v as Record<string | number, unknown>)[p];
    return v;
  };

const resources = {
  'aws_s3_bucket.Logs_1': { id: 'logs', arn: 'arn:aws:s3:::logs', tags: { a: 'b' } },
  'aws_lb.Lb-x_2': { arn_suffix: 'app/ff/0123', listener: [{ port: 443 }] },
  'aws_launch_template.T': { latest_version: 3 },
};

describe('templates: what a synthesized string evaluates to', () => {
  test.each([
    ['${aws_s3_bucket.Logs_1.id}', 'logs'],
    ['${aws_s3_bucket.Logs_1.arn}/*', 'arn:aws:s3:::logs/*'],
    ['${aws_lb.Lb-x_2.arn_suffix}/${aws_s3_bucket.Logs_1.id}', 'app/ff/0123/logs'],
    ['v${aws_launch_template.T.latest_version}', 'v3'],
    ['${aws_lb.Lb-x_2.listener[0].port}', 443],
    ['${aws_lb.Lb-x_2.listener.0.port}', 443],
    ['plain $${not.a.ref} and %%{x}', 'plain ${not.a.ref} and %{x}'],
  ])('%s -> %j', (source, expected) => {
    // GIVEN a configuration string WHEN evaluated against the resources THEN Terraform's value
    expect(evaluate(parseTemplateString(source), lookupIn(resources))).toEqual(expected);
  });

  test('a string that is one interpolation is the value itself, of any type', () => {
    expect(evaluate(parseTemplateString('${aws_s3_bucket.Logs_1.tags}'), lookupIn(resources))).toEqual({ a: 'b' });
    expect(evaluate(parseTemplateString('${aws_launch_template.T.latest_version}'), lookupIn(resources))).toBe(3);
  });

  test('arrays and objects of a configuration value are evaluated element by element', () => {
    expect(evaluateConfigValue({ bucket: '${aws_s3_bucket.Logs_1.id}', list: ['${aws_s3_bucket.Logs_1.arn}', 'x'], n: 2 }, lookupIn(resources))).toEqual({
      bucket: 'logs',
      list: ['arn:aws:s3:::logs', 'x'],
      n: 2,
    });
  });

  test.each([
    ['${var.region}', /var\. reference/],
    ['${data.aws_caller_identity.c.account_id}', /data\. reference/],
    ['${local.x}', /local\. reference/],
    ['${upper(aws_s3_bucket.Logs_1.id)}', /function upper/],
    ['${aws_s3_bucket.Logs_1.id == "x" ? 1 : 2}', /operator/],
    ['%{ if true }x%{ endif }', /directive/],
    ['${aws_s3_bucket.Logs_1.tags}-suffix', /a object value in a template/],
  ])('%s is not modelled: Unsupported', (source, message) => {
    // GIVEN an expression beyond references, literals and jsonencode WHEN evaluated THEN Unsupported, naming why
    expect(() => evaluate(parseTemplateString(source), lookupIn(resources))).toThrow(Unsupported);
    expect(() => evaluate(parseTemplateString(source), lookupIn(resources))).toThrow(message);
  });

  test('a lookup that defers makes the whole value wait', () => {
    const deferring: Lookup = () => {
      throw new Deferred();
    };
    expect(() => evaluateConfigValue(['x', '${aws_s3_bucket.Logs_1.id}'], deferring)).toThrow(Deferred);
  });
});

describe('jsonencode, as Terraform encodes', () => {
  test('object keys sorted, compact, HTML-sensitive characters escaped, numbers as written', () => {
    expect(jsonencode({ b: 'x<y&z>', a: [1, 0.5, true, null], c: { z: 'q/*', y: -3 } })).toBe(
      '{"a":[1,0.5,true,null],"b":"x\\u003cy\\u0026z\\u003e","c":{"y":-3,"z":"q/*"}}',
    );
  });

  test('an HCL object constructor with references inside jsonencode', () => {
    const source =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Deny", "Resource" = [aws_s3_bucket.Logs_1.arn, "${aws_s3_bucket.Logs_1.arn}/*"], "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}]})}';
    expect(evaluate(parseTemplateString(source), lookupIn(resources))).toBe(
      '{"Statement":[{"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Effect":"Deny","Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}],"Version":"2012-10-17"}',
    );
  });

  test('escapes in HCL strings are decoded before encoding', () => {
    expect(evaluate(parseTemplateString('${jsonencode({"q" = "a\\"b\\\\c\\n", k = "\\u00e9"})}'), lookupIn(resources))).toBe('{"k":"é","q":"a\\"b\\\\c\\n"}');
  });
});
