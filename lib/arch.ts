/**
 * ARM64 vs AMD64: everything that follows from a fleet's architecture.
 */
import type { Arch } from './flags/schema';

export interface ArchProfile {
  /** Public SSM parameter of the latest Amazon Linux 2023 AMI for this architecture. */
  readonly amiParameter: string;
  /** Default instance types, several families so spot capacity is diverse. */
  readonly instanceTypes: readonly string[];
  /** Architecture in artifact names, as Go and most build tools spell it. */
  readonly artifactArch: string;
}

export const ARCH_PROFILES: Readonly<Record<Arch, ArchProfile>> = {
  arm64: {
    amiParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    instanceTypes: ['c7g.xlarge', 'c6g.xlarge', 'm7g.xlarge', 'm6g.xlarge', 'c6gn.xlarge'],
    artifactArch: 'arm64',
  },
  amd64: {
    amiParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    instanceTypes: ['c7i.xlarge', 'c6i.xlarge', 'm7i.xlarge', 'm6i.xlarge', 'c6a.xlarge', 'm6a.xlarge'],
    artifactArch: 'amd64',
  },
};

/**
 * The architecture of an EC2 instance type. Graviton families carry a "g" right
 * after the generation digit (c7g, m6gd, c6gn, im4gn, t4g); a1 is the first Graviton.
 */
export function archOfInstanceType(instanceType: string): Arch {
  const family = instanceType.split('.')[0];
  return family === 'a1' || /^[a-z]+\d+g[a-z-]*$/.test(family) ? 'arm64' : 'amd64';
}

/** S3 key of a build's agent binary; its checksum sits beside it with ".sha256". */
export function artifactKey(buildId: string, arch: Arch): string {
  return `builds/${buildId}/ingest-agent-linux-${ARCH_PROFILES[arch].artifactArch}`;
}

export function checksumKey(buildId: string, arch: Arch): string {
  return `${artifactKey(buildId, arch)}.sha256`;
}
