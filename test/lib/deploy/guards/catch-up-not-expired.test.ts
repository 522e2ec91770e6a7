import { catchUpNotExpired } from '../../../../lib/deploy/guards/catch-up-not-expired';
import { contextFor, flagsFor } from '../helpers';

describe('CatchUpNotExpired', () => {
  const now = new Date('2026-11-25T12:00:00Z');

  test('warns (does not block) when an enabled catch-up fleet has expired, offering the one-line change', async () => {
    const flags = flagsFor('dogfood', { catchUp: { enabled: true, expiresAt: '2026-11-24T18:00:00Z' } });

    const result = await catchUpNotExpired().run(contextFor('dogfood', { flags, now }));

    expect(result.outcome).toBe('warn');
    expect(result.message).toMatch(/flags\/dogfood.json: \$.catchUp.expiresAt: the catch-up fleet expired at 2026-11-24T18:00:00Z \(now 2026-11-25T12:00:00.000Z\)/);
    expect(result.message).toContain('"catchUp": { "enabled": false }');
  });

  test('passes an enabled catch-up fleet that expires in the future', async () => {
    const flags = flagsFor('dogfood', { catchUp: { enabled: true, expiresAt: '2026-11-26T00:00:00Z' } });

    expect((await catchUpNotExpired().run(contextFor('dogfood', { flags, now }))).outcome).toBe('pass');
  });

  test('passes a disabled catch-up fleet, whatever its expiry', async () => {
    const flags = flagsFor('dogfood', { catchUp: { enabled: false, expiresAt: '2020-01-01T00:00:00Z' } });

    expect((await catchUpNotExpired().run(contextFor('dogfood', { flags, now }))).outcome).toBe('pass');
  });
});
