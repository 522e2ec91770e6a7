import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ARCH_PROFILES } from '../lib/arch';
import { FleetMonitoring } from '../lib/constructs/fleet-monitoring';
import { IngestFleet, type FleetEnvironment } from '../lib/constructs/ingest-fleet';
import { InstanceSecurityGroup } from '../lib/constructs/instance-security-group';
import { LoadBalancer } from '../lib/constructs/load-balancer';
import { QuarantineFleet } from '../lib/constructs/quarantine-fleet';
import { TargetGroup } from '../lib/constructs/target-group';
import type { Flags } from '../lib/flags/schema';
import {
  ACCESS_LOG_PREFIX,
  CATCH_UP_FLEET,
  MAIN_FLEET,
  arnContext,
  quarantineFleetName,
  fleetResourceName,
  loadBalancerName,
  mainTargetGroupName,
  quarantineTargetGroupName,
  quarantinePriority,
  resourceNames,
} from '../lib/naming';
import { configureEnvironment } from './environment';

export interface FleetStackProps {
  /** The environment's validated flags (lib/flags/load.ts). */
  readonly flags: Flags;
  /**
   * The time the stack is synthesized for. An enabled catch-up fleet whose expiry is
   * at or before it is synthesized at size zero and without its scheduled action.
   * @default - the current time
   */
  readonly now?: Date;
}

/**
 * `<env>-fleet`: the stateless, flag-switched part of an environment. The load
 * balancer, the main ingest fleet, and the fleets the flags add: a catch-up fleet
 * and quarantine fleets. Bucket and table names come from lib/naming.ts, the same
 * functions the data stack uses: no cross-stack references and no data sources, so
 * this stack plans on its own, offline.
 *
 * Construct IDs are a public contract (renaming one replaces infrastructure):
 * LoadBalancer, InstanceSecurityGroup, IngestTargetGroup, Ingest, CatchUp and
 * Quarantine-<name> (keyed by name, never by position), Monitoring.
 */
export class FleetStack extends TerraformStack {
  readonly loadBalancer: LoadBalancer;
  readonly ingest: IngestFleet;
  readonly catchUp?: IngestFleet;
  readonly quarantines: readonly QuarantineFleet[];
  readonly monitoring: FleetMonitoring;

  constructor(scope: Construct, id: string, props: FleetStackProps) {
    super(scope, id);
    const { flags } = props;
    const now = props.now ?? new Date();
    const names = resourceNames(flags);
    const { network } = flags;
    configureEnvironment(this, flags, id);

    const mainTargetGroup = new TargetGroup(this, 'IngestTargetGroup', {
      name: mainTargetGroupName(flags.environment),
      vpcId: network.vpcId,
      port: network.agentPort,
      healthCheckPath: network.healthCheckPath,
    });

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      name: loadBalancerName(flags.environment),
      vpcId: network.vpcId,
      subnetIds: network.subnetIds,
      accessLogsBucket: names.accessLogsBucket,
      accessLogsPrefix: ACCESS_LOG_PREFIX,
      defaultTargetGroupArn: mainTargetGroup.targetGroup.arn,
      certificateArn: network.certificateArn,
      ingressCidrs: network.ingressCidrs,
    });

    const instances = new InstanceSecurityGroup(this, 'InstanceSecurityGroup', {
      name: fleetResourceName(names.prefix, 'instances'),
      vpcId: network.vpcId,
      agentPort: network.agentPort,
      loadBalancerSecurityGroupId: this.loadBalancer.securityGroup.id,
    });

    const env: FleetEnvironment = {
      environment: flags.environment,
      namePrefix: names.prefix,
      arnContext: arnContext(flags),
      subnetIds: network.subnetIds,
      securityGroupId: instances.securityGroup.id,
      lockTableName: names.lockTable,
      accessLogsBucket: names.accessLogsBucket,
      accessLogsPrefix: ACCESS_LOG_PREFIX,
      artifactsBucket: names.artifactsBucket,
      agentPort: network.agentPort,
      healthCheckPath: network.healthCheckPath,
      builds: flags.builds,
    };

    // Flags 1-3: spot ratio, arch, autoscaling.
    const ingest = flags.ingest;
    const autoscaling = ingest.autoscaling;
    this.ingest = new IngestFleet(this, 'Ingest', {
      env,
      fleet: MAIN_FLEET,
      buildId: ingest.buildId,
      arch: ingest.arch ?? flags.arch,
      instanceTypes: ingest.instanceTypes,
      minSize: ingest.minSize,
      maxSize: ingest.maxSize,
      desiredCapacity: ingest.desiredCapacity,
      spot: ingest.spot,
      backfillMinutes: flags.lockTable.backfillMinutes,
      targetGroupArn: mainTargetGroup.targetGroup.arn,
      targetTracking: autoscaling.enabled
        ? {
            metric: autoscaling.metric,
            targetValue: autoscaling.targetValue,
            resourceLabel:
              autoscaling.metric === 'requestsPerTarget'
                ? `${this.loadBalancer.loadBalancer.arnSuffix}/${mainTargetGroup.targetGroup.arnSuffix}`
                : undefined,
          }
        : undefined,
    });

    // Flag 4: catch-up fleet. Spot-first, no target group: it works off the backlog in
    // S3, sharing the lock table with the main fleet.
    const catchUp = flags.catchUp;
    if (catchUp.enabled) {
      if (catchUp.expiresAt === undefined) throw new Error('catchUp.expiresAt is required when catchUp.enabled (validated by the flags rules)');
      const expiresAt = new Date(catchUp.expiresAt);
      // Past its expiry (a deploy allows that, with a warning), the one-time scheduled
      // action has run and AWS has deleted it. Synthesizing the fleet as before would
      // scale it back up to its size and re-create the schedule with a start time in
      // the past, which AWS refuses: keep it at zero, with no schedule.
      const expired = expiresAt.getTime() <= now.getTime();
      const size = expired ? 0 : catchUp.size;
      this.catchUp = new IngestFleet(this, 'CatchUp', {
        env,
        fleet: CATCH_UP_FLEET,
        buildId: catchUp.buildId ?? ingest.buildId,
        arch: catchUp.arch ?? flags.arch,
        instanceTypes: catchUp.instanceTypes,
        minSize: 0,
        maxSize: size,
        desiredCapacity: size,
        spot: expired ? { ...catchUp.spot, onDemandBaseCapacity: 0 } : catchUp.spot,
        backfillMinutes: catchUp.backfillMinutes,
        scaleToZeroAt: expired ? undefined : expiresAt,
      });
    }

    // Flag 5: quarantine fleets, keyed by name.
    this.quarantines = flags.quarantines.map((q) => {
      const arch = q.arch ?? flags.arch;
      return new QuarantineFleet(this, `Quarantine-${q.name}`, {
        env,
        name: q.name,
        targetGroupName: quarantineTargetGroupName(flags.environment, q.name),
        vpcId: network.vpcId,
        listenerArn: this.loadBalancer.listener.arn,
        pathPatterns: q.pathPatterns,
        priority: quarantinePriority(q),
        instanceCount: q.instanceCount,
        buildId: q.buildId ?? ingest.buildId,
        arch,
        instanceType: q.instanceType ?? ARCH_PROFILES[arch].instanceTypes[0],
        backfillMinutes: flags.lockTable.backfillMinutes,
      });
    });

    // Alarms that carry their runbook, a dashboard of the same signals, and the topic
    // they notify (flags `alarms` and `notifications`).
    const catchUpExpiresAt = this.catchUp && catchUp.expiresAt ? new Date(catchUp.expiresAt) : undefined;
    this.monitoring = new FleetMonitoring(this, 'Monitoring', {
      namePrefix: names.prefix,
      region: flags.aws.region,
      thresholds: flags.alarms,
      subscriptions: flags.notifications.subscriptions,
      loadBalancerArnSuffix: this.loadBalancer.loadBalancer.arnSuffix,
      targetGroups: [
        { fleet: MAIN_FLEET, name: mainTargetGroupName(flags.environment), arnSuffix: mainTargetGroup.targetGroup.arnSuffix },
        ...this.quarantines.map((q, i) => ({
          fleet: quarantineFleetName(flags.quarantines[i].name),
          name: quarantineTargetGroupName(flags.environment, flags.quarantines[i].name),
          arnSuffix: q.targetGroup.targetGroup.arnSuffix,
        })),
      ],
      groups: [
        ...(ingest.minSize > 0 ? [{ fleet: MAIN_FLEET, groupName: this.ingest.autoScalingGroup.group.name }] : []),
        ...this.quarantines
          .map((q, i) => ({ q, flags: flags.quarantines[i] }))
          .filter(({ flags: f }) => f.instanceCount > 0)
          .map(({ q, flags: f }) => ({ fleet: quarantineFleetName(f.name), groupName: q.fleet.autoScalingGroup.group.name })),
      ],
      lockTableName: names.lockTable,
      catchUp: this.catchUp && catchUpExpiresAt ? { groupName: this.catchUp.autoScalingGroup.group.name, expiresAt: catchUpExpiresAt } : undefined,
    });

    new TerraformOutput(this, 'load_balancer_dns_name', { value: this.loadBalancer.loadBalancer.dnsName });
    new TerraformOutput(this, 'ingest_auto_scaling_group', { value: this.ingest.autoScalingGroup.group.name });
  }
}
