import { LaunchTemplate as LaunchTemplateResource } from '@cdktf/provider-aws/lib/launch-template';
import { Construct } from 'constructs';
import { ARCH_PROFILES, artifactKey, checksumKey } from '../arch';
import type { AgentLockConfig } from '../contract/lock-table';
import type { Arch } from '../flags/schema';

/** Name of the agent's systemd unit and binary. */
export const AGENT_SERVICE = 'ingest-agent';
export const AGENT_BINARY = `/opt/${AGENT_SERVICE}/${AGENT_SERVICE}`;
export const AGENT_CONFIG_FILE = `/etc/${AGENT_SERVICE}/config.json`;

/** Everything the agent reads from its configuration file. */
export interface AgentConfig {
  /** The lock-table contract: table, key, TTL, backfill, lease (lib/contract/lock-table.ts). */
  readonly lock: AgentLockConfig;
  readonly environment: string;
  readonly fleet: string;
  readonly buildId: string;
  readonly arch: Arch;
  readonly region: string;
  /** Where the load balancer's access logs are. */
  readonly accessLogs: { readonly bucket: string; readonly prefix: string };
  readonly listenPort: number;
  readonly healthCheckPath: string;
}

export interface UserDataOptions {
  readonly region: string;
  readonly artifactsBucket: string;
  readonly buildId: string;
  readonly arch: Arch;
  readonly agentConfig: AgentConfig;
  /**
   * The build's pinned SHA-256 (flags "builds"): the binary must have exactly this
   * digest, whatever the bucket's .sha256 says (both could be replaced by whoever
   * can write the bucket). @default - none: the published .sha256 is trusted
   */
  readonly pinnedSha256?: string;
}

/** A value as one single-quoted shell word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The instance's user data (a bash script). It:
 * 1. downloads the pinned build and its published `.sha256` from the artifacts bucket;
 * 2. refuses to start when the binary is empty, the checksum file holds no SHA-256,
 *    or the binary's SHA-256 differs (the talk's outage: zero-byte binaries deployed),
 *    and, when the flags pin the build, when it is not the pinned SHA-256;
 * 3. writes the agent configuration from the lock-table contract;
 * 4. starts the agent as a systemd service.
 * On any failure the instance powers off: it never serves, fails its health check,
 * and the Auto Scaling group replaces it (an instance refresh rolls back).
 */
export function renderUserData(o: UserDataOptions): string {
  const key = artifactKey(o.buildId, o.arch);
  const sumKey = checksumKey(o.buildId, o.arch);
  const config = JSON.stringify(o.agentConfig, null, 2);
  if (config.includes('\nFLEETFLAGS_EOF')) throw new Error('agent configuration cannot contain the heredoc delimiter');
  if (o.pinnedSha256 !== undefined && !/^[0-9a-f]{64}$/.test(o.pinnedSha256)) throw new Error(`pinnedSha256 must be 64 lowercase hex digits; got ${JSON.stringify(o.pinnedSha256)}`);
  const pinned = o.pinnedSha256
    ? `\n# The pinned digest (flags "builds"), not the bucket's word for it.\n[ "$ACTUAL" = ${shellQuote(o.pinnedSha256)} ] || refuse "not the pinned build ${o.buildId}: expected SHA-256 ${o.pinnedSha256}, got $ACTUAL"`
    : '';
  return `#!/bin/bash
# fleetflags user data: pinned build ${o.buildId} (${o.arch}) of ${o.agentConfig.fleet}.
set -euo pipefail
export AWS_DEFAULT_REGION=${shellQuote(o.region)}
BUCKET=${shellQuote(o.artifactsBucket)}
ARTIFACT_KEY=${shellQuote(key)}
CHECKSUM_KEY=${shellQuote(sumKey)}
WORK=$(mktemp -d)

refuse() {
  trap - ERR
  # Nothing on the way may stop the power-off (under set -e a console that cannot be written would, and a
  # closed stderr's SIGPIPE would end the shell).
  set +e
  trap '' PIPE
  echo "fleetflags: refusing to start ${AGENT_SERVICE}: $*" >&2
  echo "fleetflags: refusing to start ${AGENT_SERVICE}: $*" 2>/dev/null >/dev/console
  # Never serve a bad build: power off, fail the health check, get replaced.
  shutdown -h now
  exit 1
}
trap 'refuse "user data failed at line $LINENO"' ERR

aws s3api get-object --bucket "$BUCKET" --key "$ARTIFACT_KEY" "$WORK/agent" >/dev/null || refuse "cannot download s3://$BUCKET/$ARTIFACT_KEY"
aws s3api get-object --bucket "$BUCKET" --key "$CHECKSUM_KEY" "$WORK/agent.sha256" >/dev/null || refuse "cannot download s3://$BUCKET/$CHECKSUM_KEY"

[ -s "$WORK/agent" ] || refuse "s3://$BUCKET/$ARTIFACT_KEY is empty"
EXPECTED=$(awk 'NR == 1 { print tolower($1) }' "$WORK/agent.sha256")
[[ "$EXPECTED" =~ ^[0-9a-f]{64}$ ]] || refuse "s3://$BUCKET/$CHECKSUM_KEY holds no SHA-256"
ACTUAL=$(sha256sum "$WORK/agent" | awk '{ print $1 }')
[ "$ACTUAL" = "$EXPECTED" ] || refuse "checksum mismatch: expected $EXPECTED, got $ACTUAL"${pinned}

install -d -m 0755 /opt/${AGENT_SERVICE} /etc/${AGENT_SERVICE}
install -m 0755 "$WORK/agent" ${AGENT_BINARY}
cat > ${AGENT_CONFIG_FILE} <<'FLEETFLAGS_EOF'
${config}
FLEETFLAGS_EOF
chmod 0644 ${AGENT_CONFIG_FILE}

cat > /etc/systemd/system/${AGENT_SERVICE}.service <<'FLEETFLAGS_EOF'
[Unit]
Description=fleetflags ingest agent
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${AGENT_BINARY} --config ${AGENT_CONFIG_FILE}
DynamicUser=yes
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
FLEETFLAGS_EOF

systemctl daemon-reload
systemctl enable --now ${AGENT_SERVICE}.service
rm -rf "$WORK"
`;
}

export interface LaunchTemplateProps {
  /** Name of the launch template. */
  readonly name: string;
  readonly arch: Arch;
  /** The instance profile of the fleet's role. */
  readonly instanceProfileArn: string;
  readonly securityGroupIds: readonly string[];
  /** What the user data downloads and configures. */
  readonly userData: UserDataOptions;
  /**
   * Size of the encrypted gp3 root volume, GiB.
   * @default 20
   */
  readonly rootVolumeGiB?: number;
}

/**
 * The launch template of one fleet: the Amazon Linux 2023 AMI of the fleet's
 * architecture resolved from its public SSM parameter at launch (`resolve:ssm:`, no
 * data source), IMDSv2 required, the fleet's instance profile and security group, an
 * encrypted root volume, and the user data of `renderUserData`. Instance types come
 * from the Auto Scaling group's mixed instances policy.
 * Every change makes a new version; the group pins `latest_version`, so a change
 * starts an instance refresh.
 */
export class LaunchTemplate extends Construct {
  readonly launchTemplate: LaunchTemplateResource;
  readonly userData: string;

  constructor(scope: Construct, id: string, props: LaunchTemplateProps) {
    super(scope, id);
    const rootVolumeGiB = props.rootVolumeGiB ?? 20;
    if (props.userData.arch !== props.arch) {
      throw new Error(`userData.arch (${props.userData.arch}) must equal the launch template's arch (${props.arch})`);
    }
    this.userData = renderUserData(props.userData);
    this.launchTemplate = new LaunchTemplateResource(this, 'Resource', {
      name: props.name,
      description: `fleetflags ${props.userData.agentConfig.fleet}`,
      imageId: `resolve:ssm:${ARCH_PROFILES[props.arch].amiParameter}`,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: props.instanceProfileArn },
      vpcSecurityGroupIds: [...props.securityGroupIds],
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
        },
      ],
      userData: Buffer.from(this.userData, 'utf8').toString('base64'),
    });
  }
}
