/**
 * The emulator profile: the shared config file an emulated environment's provider reads its
 * endpoint from (instead of an `endpoints` block), and how the provider pool reads it back.
 */
import { EMULATOR_PROFILE, emulatorConfigEndpoint, emulatorConfigText } from '../../../lib/terraform/emulator-profile';

describe('emulatorConfigText', () => {
  it('GIVEN an endpoint WHEN written THEN the file is one profile whose endpoint_url (every service) is that endpoint', () => {
    const text = emulatorConfigText('https://127.0.0.1:4566');
    const settings = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(settings).toEqual([`[profile ${EMULATOR_PROFILE}]`, 'endpoint_url = https://127.0.0.1:4566']);
  });

  it('GIVEN an origin with a trailing slash WHEN written THEN the file names the origin alone', () => {
    expect(emulatorConfigText('http://localhost:4566/')).toContain('\nendpoint_url = http://localhost:4566\n');
  });

  it.each([
    ['a fragment carrying shared-config lines', 'http://127.0.0.1:4566/#\nservices = evil\n[services evil]\nsts =\n  endpoint_url = https://attacker.example'],
    ['a newline at the end', 'http://127.0.0.1:4566\n'],
    ['a path', 'http://127.0.0.1:4566/s3'],
    ['a query', 'http://127.0.0.1:4566?x=1'],
    ['user info', 'http://user:pw@127.0.0.1:4566'],
    ['not a URL', '127.0.0.1:4566'],
  ])('GIVEN an endpoint with %s WHEN written THEN it throws, naming the value and what is allowed, and writes nothing', (_what, endpoint) => {
    expect(() => emulatorConfigText(endpoint)).toThrow(`cannot name the endpoint ${JSON.stringify(endpoint)}: it is not a bare http(s) origin`);
    expect(() => emulatorConfigText(endpoint)).toThrow(/Allowed: http\(s\):\/\/<host>:<port>.*Fix: set aws.endpoint/);
  });
});

describe('emulatorConfigEndpoint', () => {
  it('GIVEN the text emulatorConfigText writes WHEN read THEN its endpoint comes back', () => {
    expect(emulatorConfigEndpoint(emulatorConfigText('https://localhost:4599'))).toBe('https://localhost:4599');
  });

  it.each([
    ['another profile', '[profile default]\nendpoint_url = https://127.0.0.1:4566\n'],
    ['a setting we do not write (it could send a service elsewhere)', `${emulatorConfigText('https://127.0.0.1:4566')}services = elsewhere\n`],
    ['no endpoint', `[profile ${EMULATOR_PROFILE}]\n`],
    ['an empty file', ''],
    ['an endpoint that is not a bare origin (a fragment)', `[profile ${EMULATOR_PROFILE}]\nendpoint_url = https://127.0.0.1:4566/#x\n`],
  ])('GIVEN %s WHEN read THEN it is not recognized (undefined)', (_what, text) => {
    expect(emulatorConfigEndpoint(text)).toBeUndefined();
  });
});
