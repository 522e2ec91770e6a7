import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Construct } from 'constructs';
import type { Arch } from '../flags/schema';
import { quarantineFleetName } from '../naming';
import { IngestFleet, type FleetEnvironment } from './ingest-fleet';
import { TargetGroup } from './target-group';

/** AWS allows at most 5 values in one path-pattern condition. */
export const MAX_PATH_PATTERNS_PER_RULE = 5;

export interface QuarantineFleetProps {
  readonly env: FleetEnvironment;
  /** The quarantine's name (usually the customer). */
  readonly name: string;
  /** Target-group name, at most 32 characters. */
  readonly targetGroupName: string;
  readonly vpcId: string;
  /** The listener the path-pattern rule is added to. */
  readonly listenerArn: string;
  /** URL path patterns routed to this fleet, 1-5. */
  readonly pathPatterns: readonly string[];
  /** Listener-rule priority: stable, derived from the name (lib/naming.ts quarantinePriority). */
  readonly priority: number;
  readonly instanceCount: number;
  readonly buildId: string;
  readonly arch: Arch;
  /** The one instance type of the fleet, of `arch`. */
  readonly instanceType: string;
  readonly backfillMinutes: number;
}

/**
 * A quarantine fleet: one customer's traffic routed to its own small fleet. Its own
 * target group, a listener rule matching its path patterns at a stable priority,
 * and an on-demand ingest fleet of a fixed size, with its own build and arch.
 * The stack gives each one the construct ID "Quarantine-<name>", so adding or
 * removing a quarantine never touches another's resources.
 */
export class QuarantineFleet extends Construct {
  readonly targetGroup: TargetGroup;
  readonly listenerRule: LbListenerRule;
  readonly fleet: IngestFleet;

  constructor(scope: Construct, id: string, props: QuarantineFleetProps) {
    super(scope, id);
    if (props.pathPatterns.length < 1 || props.pathPatterns.length > MAX_PATH_PATTERNS_PER_RULE) {
      throw new Error(`pathPatterns must have 1-${MAX_PATH_PATTERNS_PER_RULE} values; got ${props.pathPatterns.length}`);
    }
    if (!Number.isInteger(props.priority) || props.priority < 1 || props.priority > 50000) {
      throw new Error(`priority must be a whole number 1-50000; got ${props.priority}`);
    }
    const fleet = quarantineFleetName(props.name);
    this.targetGroup = new TargetGroup(this, 'TargetGroup', {
      name: props.targetGroupName,
      vpcId: props.vpcId,
      port: props.env.agentPort,
      healthCheckPath: props.env.healthCheckPath,
    });
    this.listenerRule = new LbListenerRule(this, 'ListenerRule', {
      listenerArn: props.listenerArn,
      priority: props.priority,
      condition: [{ pathPattern: { values: [...props.pathPatterns] } }],
      action: [{ type: 'forward', targetGroupArn: this.targetGroup.targetGroup.arn }],
      tags: { 'fleetflags:fleet': fleet },
    });
    this.fleet = new IngestFleet(this, 'Fleet', {
      env: props.env,
      fleet,
      buildId: props.buildId,
      arch: props.arch,
      instanceTypes: [props.instanceType],
      minSize: props.instanceCount,
      maxSize: props.instanceCount,
      desiredCapacity: props.instanceCount,
      // Isolation, not savings: quarantined customers run on-demand.
      spot: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 },
      backfillMinutes: props.backfillMinutes,
      targetGroupArn: this.targetGroup.targetGroup.arn,
    });
  }
}
