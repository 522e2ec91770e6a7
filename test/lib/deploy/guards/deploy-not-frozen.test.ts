import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basicLogger, init, type LDClient, type LDOptions } from '@launchdarkly/node-server-sdk';
import { integrations } from '@launchdarkly/node-server-sdk';
import { DEPLOY_FREEZE_FLAG, deployNotFrozen, unreachablePolicy } from '../../../../lib/deploy/guards/deploy-not-frozen';
import { contextFor, flagsFor } from '../helpers';

const quiet: LDOptions = { sendEvents: false, diagnosticOptOut: true, logger: basicLogger({ level: 'none' }) };

describe('DeployNotFrozen', () => {
  test('blocks the environment the flag targets and passes the others (frozen for one environment)', async () => {
    // GIVEN the freeze flag targets production only
    const td = new integrations.TestData();
    await td.update(td.flag(DEPLOY_FREEZE_FLAG).booleanFlag().variationForContext('environment', 'production', true).fallthroughVariation(false));
    const guard = testGuard(td);

    // WHEN both environments ask
    const production = await guard.run(contextFor('production'));
    const dogfood = await guard.run(contextFor('dogfood'));

    // THEN production is frozen and dogfood is not
    expect(production.outcome).toBe('block');
    expect(production.message).toMatch(/deploys to production \(us-east-1\) are frozen by the LaunchDarkly flag "fleetflags-deploy-freeze" \(targeted at this environment\)/);
    expect(production.message).toMatch(/turn "fleetflags-deploy-freeze" off for production/);
    expect(dogfood.outcome).toBe('pass');
    expect(dogfood.details).toMatchObject({ state: 'evaluated', frozen: false });
  });

  test('evaluates a context of kind environment with its name and region', async () => {
    // GIVEN a rule that freezes everything in eu-west-1
    const td = new integrations.TestData();
    await td.update(td.flag(DEPLOY_FREEZE_FLAG).booleanFlag().ifMatch('environment', 'region', 'eu-west-1').thenReturn(true).fallthroughVariation(false));
    const guard = testGuard(td);
    const euFlags = flagsFor('dogfood', { aws: { region: 'eu-west-1', accountId: '111122223333' } });

    // WHEN / THEN
    expect((await guard.run(contextFor('dogfood', { flags: euFlags }))).outcome).toBe('block');
    expect((await guard.run(contextFor('dogfood'))).outcome).toBe('pass');
  });

  test('blocks every environment when the flag is on for all (frozen for all)', async () => {
    const td = new integrations.TestData();
    await td.update(td.flag(DEPLOY_FREEZE_FLAG).booleanFlag().variationForAll(true));
    const guard = testGuard(td);

    for (const env of ['dogfood', 'production']) {
      const result = await guard.run(contextFor(env));
      expect(result.outcome).toBe('block');
      expect(result.message).toMatch(/frozen/);
    }
  });

  test('passes when the flag is off (not frozen)', async () => {
    const td = new integrations.TestData();
    await td.update(td.flag(DEPLOY_FREEZE_FLAG).booleanFlag().variationForAll(false));

    const result = await testGuard(td).run(contextFor('production'));

    expect(result).toMatchObject({ guard: 'DeployNotFrozen', outcome: 'pass' });
    expect(result.message).toMatch(/not frozen/);
  });

  test('always closes the client', async () => {
    const td = new integrations.TestData();
    await td.update(td.flag(DEPLOY_FREEZE_FLAG).booleanFlag().variationForAll(true));
    const closed: LDClient[] = [];
    const guard = deployNotFrozen({
      sdkKey: 'sdk-test',
      ldOptions: { ...quiet, updateProcessor: td.getFactory() },
      createClient: (key, options) => {
        const client = init(key, options);
        const close = client.close.bind(client);
        client.close = () => {
          closed.push(client);
          close();
        };
        return client;
      },
    });

    await guard.run(contextFor('dogfood'));

    expect(closed).toHaveLength(1);
  });

  describe('the SDK options it makes the client with', () => {
    /** The options the guard gives the client, for `ldOptions` from the caller. */
    const optionsFor = async (ldOptions: LDOptions): Promise<LDOptions> => {
      const td = new integrations.TestData();
      await td.update(td.flag(DEPLOY_FREEZE_FLAG).booleanFlag().variationForAll(false));
      let given: LDOptions | undefined;
      const guard = deployNotFrozen({
        sdkKey: 'sdk-test',
        ldOptions: { sendEvents: false, updateProcessor: td.getFactory(), ...ldOptions },
        createClient: (key, options) => {
          given = options;
          // The client itself logs nothing the test wants on stderr.
          return init(key, { ...options, logger: basicLogger({ level: 'none' }) });
        },
      });
      await guard.run(contextFor('dogfood'));
      expect(given).toBeDefined();
      return given!;
    };

    test('GIVEN no logger from the caller WHEN the guard runs THEN the SDK logs errors only (its own info and warnings stay out of the deploy log), and no diagnostics are sent', async () => {
      // GIVEN no SDK options beyond the test's data source WHEN the guard makes its client
      const options = await optionsFor({});
      // THEN no diagnostics, and a logger that writes errors and nothing below them
      expect(options.diagnosticOptOut).toBe(true);
      const written = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        options.logger!.info('an info line');
        options.logger!.warn('a warning');
        expect(written).not.toHaveBeenCalled();
        options.logger!.error('an error');
        expect(written).toHaveBeenCalledTimes(1);
        expect(String(written.mock.calls[0][0])).toContain('an error');
      } finally {
        written.mockRestore();
      }
    });

    test('GIVEN the caller\'s own logger and diagnostics setting WHEN the guard runs THEN the client gets those', async () => {
      // GIVEN a logger of the caller's and diagnostics on
      const logger = basicLogger({ level: 'none' });
      // WHEN the guard makes its client
      const options = await optionsFor({ logger, diagnosticOptOut: false });
      // THEN the client gets both as given
      expect(options.logger).toBe(logger);
      expect(options.diagnosticOptOut).toBe(false);
    });
  });

  describe('when LaunchDarkly cannot be reached', () => {
    let server: http.Server;
    let uri: string;
    beforeAll(async () => {
      // A server that accepts connections and never answers: an initialization timeout.
      server = http.createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const unreachableGuard = () =>
      deployNotFrozen({
        sdkKey: 'sdk-test',
        initTimeoutSeconds: 0.3,
        ldOptions: { ...quiet, baseUri: uri, streamUri: uri, eventsUri: uri },
      });

    test('production fails closed, and says which policy applied', async () => {
      const result = await unreachableGuard().run(contextFor('production'));

      expect(result.outcome).toBe('block');
      expect(result.message).toMatch(/LaunchDarkly unreachable \(LaunchDarkly did not initialize within 0.3s/);
      expect(result.message).toMatch(/fail closed, deploys are frozen \(production always fails closed\)/);
      expect(result.details).toMatchObject({ state: 'unreachable', policy: 'fail closed' });
    });

    test('an environment with freezeWhenFlagServiceUnreachable false proceeds, and says so', async () => {
      const flags = flagsFor('dogfood', { deploy: { order: 1, freezeWhenFlagServiceUnreachable: false } });

      const result = await unreachableGuard().run(contextFor('dogfood', { flags }));

      expect(result.outcome).toBe('pass');
      expect(result.message).toMatch(/proceed, the deploy goes ahead \(deploy.freezeWhenFlagServiceUnreachable = false\)/);
      expect(result.details).toMatchObject({ state: 'unreachable', policy: 'proceed' });
    });

    test('an environment without the setting fails closed (default true)', async () => {
      const result = await unreachableGuard().run(contextFor('dogfood'));

      expect(result.outcome).toBe('block');
      expect(result.message).toMatch(/is not set \(default true\)/);
      expect(result.message).toMatch(/freezeWhenFlagServiceUnreachable": false \} in flags\/dogfood.json/);
    });
  });

  test('without an SDK key reports "not configured" and follows the policy', async () => {
    const saved = process.env.LAUNCHDARKLY_SDK_KEY;
    delete process.env.LAUNCHDARKLY_SDK_KEY;
    try {
      const failOpen = flagsFor('dogfood', { deploy: { order: 1, freezeWhenFlagServiceUnreachable: false } });

      const production = await deployNotFrozen().run(contextFor('production'));
      const dogfood = await deployNotFrozen().run(contextFor('dogfood', { flags: failOpen }));

      expect(production.outcome).toBe('block');
      expect(production.message).toMatch(/LaunchDarkly not configured \(LAUNCHDARKLY_SDK_KEY is not set\)/);
      expect(dogfood.outcome).toBe('pass');
      expect(dogfood.message).toMatch(/not configured.*proceed/);
    } finally {
      if (saved !== undefined) process.env.LAUNCHDARKLY_SDK_KEY = saved;
    }
  });

  test('a missing flag follows the policy, naming the error', async () => {
    const td = new integrations.TestData();

    const result = await testGuard(td).run(contextFor('production'));

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/flag error \(evaluating "fleetflags-deploy-freeze" failed: FLAG_NOT_FOUND\)/);
  });
});

describe('unreachablePolicy', () => {
  test('production fails closed even if its flags say otherwise', () => {
    expect(unreachablePolicy('production', { deploy: { order: 1, freezeWhenFlagServiceUnreachable: false } }).freeze).toBe(true);
  });
  test('others follow the flag, default true', () => {
    expect(unreachablePolicy('dogfood', { deploy: { order: 1 } }).freeze).toBe(true);
    expect(unreachablePolicy('dogfood', { deploy: undefined }).freeze).toBe(true);
    expect(unreachablePolicy('dogfood', { deploy: { order: 1, freezeWhenFlagServiceUnreachable: false } }).freeze).toBe(false);
  });
});

function testGuard(td: InstanceType<typeof integrations.TestData>) {
  return deployNotFrozen({ sdkKey: 'sdk-test', ldOptions: { ...quiet, updateProcessor: td.getFactory() } });
}
