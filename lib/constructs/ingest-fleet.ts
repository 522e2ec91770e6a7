import { Construct } from 'constructs';
import { ARCH_PROFILES } from '../arch';
import { agentLockConfig } from '../contract/lock-table';
import type { Arch } from '../flags/schema';
import { fleetResourceName, type ArnContext } from '../naming';
import { AutoScalingGroup, type SpotRatio, type TargetTracking } from './auto-scaling-group';
import { InstanceRole } from './instance-role';
import { LaunchTemplate } from './launch-template';

/** What every fleet of an environment shares. */
export interface FleetEnvironment {
  readonly environment: string;
  /** naming.prefix: fleet resources are "<prefix>-<fleet>". */
  readonly namePrefix: string;
  readonly arnContext: ArnContext;
  readonly subnetIds: readonly string[];
  /** The instance security group. */
  readonly securityGroupId: string;
  readonly lockTableName: string;
  readonly accessLogsBucket: string;
  readonly accessLogsPrefix: string;
  readonly artifactsBucket: string;
  readonly agentPort: number;
  readonly healthCheckPath: string;
  /**
   * Pinned builds: build ID → SHA-256 per architecture (flags "builds"). The user data
   * refuses a download whose digest is not the pinned one.
   * @default {} - no pins (the offline sandbox): the published .sha256 is trusted
   */
  readonly builds?: Readonly<Record<string, { readonly arm64?: string; readonly amd64?: string }>>;
}

export interface IngestFleetProps {
  readonly env: FleetEnvironment;
  /** Fleet name in names and tags: "ingest", "catch-up", "q-<quarantine>". */
  readonly fleet: string;
  /** The pinned build the fleet runs. */
  readonly buildId: string;
  readonly arch: Arch;
  /**
   * Instance types, all of `arch`.
   * @default - the architecture's list (lib/arch.ts)
   */
  readonly instanceTypes?: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly spot: SpotRatio;
  /** How far back the agents look for log objects, minutes. */
  readonly backfillMinutes: number;
  /**
   * Target group the instances register in (ELB health checks).
   * @default - none: EC2 health checks
   */
  readonly targetGroupArn?: string;
  /** @default - autoscaling off: a fixed size */
  readonly targetTracking?: TargetTracking;
  /** @default - never expires */
  readonly scaleToZeroAt?: Date;
}

/**
 * One ingest fleet: its least-privilege instance role, its launch template (pinned
 * build, architecture, agent configuration) and its Auto Scaling group. The main,
 * catch-up and quarantine fleets are each one of these; they share the lock table,
 * so no log object is processed twice.
 */
export class IngestFleet extends Construct {
  readonly role: InstanceRole;
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoScalingGroup;
  readonly instanceTypes: readonly string[];

  constructor(scope: Construct, id: string, props: IngestFleetProps) {
    super(scope, id);
    const { env } = props;
    const profile = ARCH_PROFILES[props.arch];
    this.instanceTypes = props.instanceTypes ?? profile.instanceTypes;
    const name = fleetResourceName(env.namePrefix, props.fleet);

    this.role = new InstanceRole(this, 'InstanceRole', {
      name,
      arnContext: env.arnContext,
      lockTableName: env.lockTableName,
      accessLogsBucket: env.accessLogsBucket,
      accessLogsPrefix: env.accessLogsPrefix,
      artifactsBucket: env.artifactsBucket,
      buildId: props.buildId,
      amiParameter: profile.amiParameter,
    });

    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      name,
      arch: props.arch,
      instanceProfileArn: this.role.instanceProfile.arn,
      securityGroupIds: [env.securityGroupId],
      userData: {
        region: env.arnContext.region,
        artifactsBucket: env.artifactsBucket,
        buildId: props.buildId,
        arch: props.arch,
        pinnedSha256: Object.prototype.hasOwnProperty.call(env.builds ?? {}, props.buildId) ? env.builds![props.buildId][props.arch] : undefined,
        agentConfig: {
          lock: agentLockConfig(env.lockTableName, props.backfillMinutes),
          environment: env.environment,
          fleet: props.fleet,
          buildId: props.buildId,
          arch: props.arch,
          region: env.arnContext.region,
          accessLogs: { bucket: env.accessLogsBucket, prefix: env.accessLogsPrefix },
          listenPort: env.agentPort,
          healthCheckPath: env.healthCheckPath,
        },
      },
    });

    this.autoScalingGroup = new AutoScalingGroup(this, 'AutoScalingGroup', {
      name,
      launchTemplate: this.launchTemplate,
      instanceTypes: this.instanceTypes,
      subnetIds: env.subnetIds,
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredCapacity,
      spot: props.spot,
      targetGroupArn: props.targetGroupArn,
      targetTracking: props.targetTracking,
      scaleToZeroAt: props.scaleToZeroAt,
      tags: {
        Name: name,
        'fleetflags:environment': env.environment,
        'fleetflags:fleet': props.fleet,
        'fleetflags:build-id': props.buildId,
        'fleetflags:arch': props.arch,
      },
    });
  }
}
