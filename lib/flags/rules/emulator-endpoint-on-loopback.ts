import { emulatorErrors } from '../../errors';
import type { FlagsRule } from './rule';

/** Host names of this machine's loopback interface. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** True when `endpoint` is an http(s) URL on the loopback interface, with no path, query or credentials. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    LOOPBACK_HOSTS.includes(url.hostname) &&
    !url.username &&
    !url.password &&
    (url.pathname === '/' || url.pathname === '') &&
    !url.search
  );
}

/**
 * An emulated environment's endpoint is an emulator on this machine: a flags file can
 * never send an environment's API calls, and its credentials, to another host.
 */
export const EmulatorEndpointOnLoopback: FlagsRule = {
  id: 'EmulatorEndpointOnLoopback',
  description: 'aws.endpoint, when set, is an http(s) URL on 127.0.0.1, localhost or [::1].',
  check: ({ file, flags }) => {
    const endpoint = flags.aws.endpoint;
    return endpoint === undefined || isLoopbackEndpoint(endpoint) ? [] : [emulatorErrors.endpointNotLoopback(file, endpoint)];
  },
};
