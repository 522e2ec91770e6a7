/**
 * The test environment (test/environment.ts): real errors keep jest's source-mapped
 * stack traces; the plain-object traces cdktf records for every token it creates get
 * V8's own format, without source mapping (they were seconds of CPU in the synthesis suites).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Lazy } from 'cdktf';

const sourceLine = (marker: string) => readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes(marker) && !l.includes('sourceLine(')) + 1;

describe('stack traces in a suite', () => {
  test('GIVEN a real Error WHEN its stack is read THEN it points at the TypeScript line (jest maps it)', () => {
    const error = new Error('boom'); // MARKER-REAL-ERROR
    expect(error.stack).toMatch(/^Error: boom\n/);
    expect(error.stack).toContain(`${path.basename(__filename)}:${sourceLine('MARKER-REAL-ERROR')}:`);
  });

  test('GIVEN a plain object WHEN a trace is captured on it THEN V8\'s format: a header and one "at" line per frame', () => {
    const holder = { stack: '' };
    Error.captureStackTrace(holder);
    const lines = holder.stack.split('\n');
    expect(lines[0]).toBe('Error');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.startsWith('    at '))).toBe(true);
    expect(holder.stack).toContain(path.basename(__filename));
  });

  test('GIVEN a cdktf token WHEN created THEN its creation stack is recorded, frame by frame', () => {
    const token = Lazy.stringValue({ produce: () => 'x' }) as unknown as string;
    expect(typeof token).toBe('string');
    // cdktf keeps the frames without the "at " prefix
    const lazy = (Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack;
    expect(lazy.length).toBeGreaterThan(1);
    expect(lazy.some((frame) => frame.includes(path.basename(__filename)))).toBe(true);
  });

  test('GIVEN the suite\'s Error WHEN inspected THEN its prepareStackTrace is the environment\'s', () => {
    expect(Error.prepareStackTrace?.name).toBe('plainTracesUnmapped');
  });
});
