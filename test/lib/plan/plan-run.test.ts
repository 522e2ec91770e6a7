import path from 'node:path';
import { defaultBaselineCache, emptiedStack, environmentOfStack, hasAwsCredentials, mapLimit, stackChanged } from '../../../lib/plan/plan-run';

describe('plan-run helpers', () => {
  test('the baseline cache: FLEETFLAGS_BASELINE_CACHE when set (the test run sets its own), else next to the plugin cache', () => {
    // GIVEN a plugin cache directory WHEN no cache variable is set THEN the baselines sit next to the plugins
    expect(defaultBaselineCache({ FLEETFLAGS_PLUGIN_CACHE: '/c/fleetflags/terraform-plugins' })).toBe('/c/fleetflags/baselines');
    // WHEN FLEETFLAGS_BASELINE_CACHE is set THEN it is used, made absolute
    expect(defaultBaselineCache({ FLEETFLAGS_PLUGIN_CACHE: '/c/x', FLEETFLAGS_BASELINE_CACHE: 'rel/baselines' })).toBe(path.resolve('rel/baselines'));
  });

  test('a stack changed when its JSON differs, whatever the key order, or when it exists on one side only', () => {
    expect(stackChanged({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(false);
    expect(stackChanged({ a: 1 }, { a: 2 })).toBe(true);
    expect(stackChanged(undefined, { a: 1 })).toBe(true);
    expect(stackChanged({ a: 1 }, undefined)).toBe(true);
  });

  test('the environment of a stack is the longest environment it is named after', () => {
    expect(environmentOfStack('prod-eu-data', ['prod', 'prod-eu'])).toBe('prod-eu');
    expect(environmentOfStack('prod-fleet', ['prod', 'prod-eu'])).toBe('prod');
    expect(environmentOfStack('other-data', ['prod'])).toBeUndefined();
  });

  test('a removed stack is planned as its settings without resources or outputs', () => {
    const base = { terraform: { backend: {} }, provider: { aws: [{ region: 'us-east-1' }] }, resource: { aws_s3_bucket: {} }, output: { a: {} } };
    expect(emptiedStack(base)).toEqual({ terraform: { backend: {} }, provider: { aws: [{ region: 'us-east-1' }] } });
  });

  test('credentials: keys, a profile, OIDC web identity or a container role', () => {
    expect(hasAwsCredentials({})).toBe(false);
    expect(hasAwsCredentials({ AWS_ACCESS_KEY_ID: 'a' })).toBe(false);
    expect(hasAwsCredentials({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).toBe(true);
    expect(hasAwsCredentials({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t' })).toBe(true);
    expect(hasAwsCredentials({ AWS_PROFILE: 'p' })).toBe(true);
  });

  test('mapLimit keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 5));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
