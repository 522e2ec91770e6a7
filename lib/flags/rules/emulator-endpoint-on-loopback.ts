import { emulatorErrors } from '../../errors';
import { endpointOrigin } from '../../terraform/emulator-profile';
import type { FlagsRule } from './rule';

/** Host names of this machine's loopback interface. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * True when `endpoint` is an http(s) origin on the loopback interface, written exactly as its
 * origin (endpointOrigin: no whitespace or control characters, path, query, fragment or credentials).
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const origin = endpointOrigin(endpoint);
  return origin !== undefined && LOOPBACK_HOSTS.includes(new URL(origin).hostname);
}

/**
 * An emulated environment's endpoint is an emulator on this machine: a flags file can
 * never send an environment's API calls, and its credentials, to another host.
 */
export const EmulatorEndpointOnLoopback: FlagsRule = {
  id: 'EmulatorEndpointOnLoopback',
  description: 'aws.endpoint, when set, is a bare http(s) origin (no path, query, fragment, user info or whitespace) on 127.0.0.1, localhost or [::1].',
  check: ({ file, flags }) => {
    const endpoint = flags.aws.endpoint;
    if (endpoint === undefined || isLoopbackEndpoint(endpoint)) return [];
    // One problem per endpoint: first its form (what it would write into the emulator profile), then its host.
    if (endpointOrigin(endpoint) === undefined) return [emulatorErrors.endpointNotOrigin(file, endpoint, suggestedOrigin(endpoint))];
    return [emulatorErrors.endpointNotLoopback(file, endpoint)];
  },
};

/** The origin to suggest for a malformed endpoint: only one on loopback (never suggest another host). */
function suggestedOrigin(endpoint: string): string | undefined {
  try {
    const { origin, hostname, protocol } = new URL(endpoint);
    return (protocol === 'http:' || protocol === 'https:') && LOOPBACK_HOSTS.includes(hostname) ? origin : undefined;
  } catch {
    return undefined;
  }
}
