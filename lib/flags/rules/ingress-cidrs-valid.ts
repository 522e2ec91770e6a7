import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * Each range allowed to reach the load balancer is an IPv4 network, listed once.
 * The schema only checks the shape ("n.n.n.n/n"); Terraform's validate rejects an
 * octet above 255, a prefix above 32 or an address with bits set after the prefix
 * ("203.0.113.5/24"), and a range listed twice makes two security-group rules of
 * one construct ID, so synthesis fails: each only after the pull request.
 */
export const IngressCidrsValid: FlagsRule = {
  id: 'IngressCidrsValid',
  description: 'Each network.ingressCidrs entry is an IPv4 network address with a prefix of 0-32, listed once.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const seen = new Map<string, string>();
    flags.network.ingressCidrs.forEach((cidr, i) => {
      const path = `$.network.ingressCidrs[${i}]`;
      const [address, prefixText] = cidr.split('/');
      const octets = address.split('.').map(Number);
      const prefix = Number(prefixText);
      if (octets.some((o) => o > 255)) {
        problems.push(flagsProblems.badIngressCidr(file, path, cidr, 'an octet is above 255'));
        return;
      }
      if (prefix > 32) {
        problems.push(flagsProblems.badIngressCidr(file, path, cidr, `the prefix length ${prefix} is above 32`));
        return;
      }
      const value = octets.reduce((acc, o) => acc * 256 + o, 0);
      const size = 2 ** (32 - prefix);
      const network = value - (value % size);
      if (network !== value) {
        const dotted = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
        problems.push(flagsProblems.badIngressCidr(file, path, cidr, `address bits are set after the /${prefix} prefix`, `${dotted}/${prefix}`));
        return;
      }
      const other = seen.get(cidr);
      if (other) problems.push(flagsProblems.duplicateIngressCidr(file, path, cidr, other));
      else seen.set(cidr, path);
    });
    return problems;
  },
};
