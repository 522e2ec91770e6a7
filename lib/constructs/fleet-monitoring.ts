import { Construct } from 'constructs';
import type { AlarmThresholds, NotificationSubscription } from '../flags/schema';
import { dashboardUrl, runbookLink, SIGNALS, type Signal, type SignalId } from '../monitoring/signals';
import { AlarmTopic } from './alarm-topic';
import { Dashboard, type DashboardWidget } from './dashboard';
import { MetricAlarm, type MetricAlarmProps, type MetricSpec } from './metric-alarm';

/** A target group the load balancer routes to, and the fleet behind it. */
export interface MonitoredTargetGroup {
  /** Fleet name ("ingest", "q-acme"): keys the alarm's construct ID and name. */
  readonly fleet: string;
  readonly name: string;
  /** `arn_suffix` of the target group (the TargetGroup dimension). */
  readonly arnSuffix: string;
}

/** An Auto Scaling group whose in-service count is watched against its minimum. */
export interface MonitoredGroup {
  readonly fleet: string;
  readonly groupName: string;
}

export interface FleetMonitoringProps {
  /** Names every resource: "<namePrefix>-alarms", "<namePrefix>-fleet", "<namePrefix>-<signal>[-<fleet>]". */
  readonly namePrefix: string;
  readonly region: string;
  /** Thresholds and window (flags `alarms`, with their defaults). */
  readonly thresholds: AlarmThresholds;
  /** @default - no subscription */
  readonly subscriptions?: readonly NotificationSubscription[];
  /** `arn_suffix` of the load balancer (the LoadBalancer dimension). */
  readonly loadBalancerArnSuffix: string;
  readonly targetGroups: readonly MonitoredTargetGroup[];
  /** Groups with a minimum above zero. */
  readonly groups: readonly MonitoredGroup[];
  readonly lockTableName: string;
  /** The catch-up fleet, when on: alarms when it still runs after its expiry. @default - none */
  readonly catchUp?: { readonly groupName: string; readonly expiresAt: Date };
}

/** Claims and completions of the lock-table contract (lib/contract/lock-table.ts). */
export const LOCK_TABLE_OPERATIONS = ['PutItem', 'UpdateItem'] as const;

const ELB = 'AWS/ApplicationELB';
const ASG = 'AWS/AutoScaling';
const DDB = 'AWS/DynamoDB';

/**
 * An environment's fleet monitoring: the alarm topic, an alarm per signal an ingest
 * fleet pages on (lib/monitoring/signals.ts), and a dashboard of the same signals.
 *
 * Construct IDs are a public contract: Topic, Dashboard, and Alarm-<signal> or
 * Alarm-<signal>-<fleet> (keyed by fleet name, never by position).
 */
export class FleetMonitoring extends Construct {
  readonly topic: AlarmTopic;
  readonly dashboard: Dashboard;
  readonly alarms: readonly MetricAlarm[];
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: FleetMonitoringProps) {
    super(scope, id);
    const t = props.thresholds;
    this.dashboardName = `${props.namePrefix}-fleet`;
    const dashboard = dashboardUrl(props.region, this.dashboardName);
    this.topic = new AlarmTopic(this, 'Topic', { name: `${props.namePrefix}-alarms`, subscriptions: props.subscriptions });

    const alarms: MetricAlarm[] = [];
    const widgets: DashboardWidget[] = [];
    const lb = { LoadBalancer: props.loadBalancerArnSuffix };
    const add = (
      signalId: SignalId,
      fleet: string | undefined,
      subject: string | undefined,
      spec: Pick<MetricAlarmProps, 'metrics' | 'expression' | 'comparisonOperator' | 'threshold'>,
    ) => {
      const signal: Signal = SIGNALS[signalId];
      const suffix = fleet ? `-${fleet}` : '';
      alarms.push(
        new MetricAlarm(this, `Alarm-${signalId}${suffix}`, {
          name: `${props.namePrefix}-${signalId}${suffix}`,
          signal,
          subject,
          dashboardUrl: dashboard,
          runbookUrl: runbookLink(t.runbookUrl, signal),
          periodSeconds: t.periodSeconds,
          evaluationPeriods: t.evaluationPeriods,
          topicArn: this.topic.topic.arn,
          ...spec,
        }),
      );
      widgets.push(widgetOf(`${signal.title}${subject ? ` (${subject})` : ''}`, spec));
    };

    const rate = (metricName: string): Pick<MetricAlarmProps, 'metrics' | 'expression'> => ({
      metrics: {
        errors: { namespace: ELB, metricName, dimensions: lb, stat: 'Sum' },
        requests: { namespace: ELB, metricName: 'RequestCount', dimensions: lb, stat: 'Sum' },
      },
      // Percent of requests; no requests is no error rate (not a division by zero).
      expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
    });
    add('lb-5xx', undefined, undefined, { ...rate('HTTPCode_ELB_5XX_Count'), comparisonOperator: 'GreaterThanThreshold', threshold: t.loadBalancer5xxPercent });
    add('target-5xx', undefined, undefined, { ...rate('HTTPCode_Target_5XX_Count'), comparisonOperator: 'GreaterThanThreshold', threshold: t.target5xxPercent });
    add('response-time', undefined, undefined, {
      metrics: { latency: { namespace: ELB, metricName: 'TargetResponseTime', dimensions: lb, stat: 'p99' } },
      comparisonOperator: 'GreaterThanThreshold',
      threshold: t.targetResponseTimeP99Seconds,
    });
    for (const tg of props.targetGroups) {
      add('unhealthy-hosts', tg.fleet, `target group ${tg.name}`, {
        metrics: {
          unhealthy: { namespace: ELB, metricName: 'UnHealthyHostCount', dimensions: { TargetGroup: tg.arnSuffix, ...lb }, stat: 'Maximum' },
        },
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: t.unhealthyHosts,
      });
    }
    for (const g of props.groups) {
      const dims = { AutoScalingGroupName: g.groupName };
      add('in-service-below-min', g.fleet, `group ${g.groupName}`, {
        metrics: {
          inservice: { namespace: ASG, metricName: 'GroupInServiceInstances', dimensions: dims, stat: 'Minimum' },
          minsize: { namespace: ASG, metricName: 'GroupMinSize', dimensions: dims, stat: 'Maximum' },
        },
        expression: 'minsize - inservice',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
      });
    }
    const table = { TableName: props.lockTableName };
    add('lock-table-throttles', undefined, `table ${props.lockTableName}`, {
      metrics: {
        reads: { namespace: DDB, metricName: 'ReadThrottleEvents', dimensions: table, stat: 'Sum' },
        writes: { namespace: DDB, metricName: 'WriteThrottleEvents', dimensions: table, stat: 'Sum' },
      },
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: t.lockTableThrottledRequests,
    });
    add('lock-table-system-errors', undefined, `table ${props.lockTableName}`, {
      metrics: Object.fromEntries(
        LOCK_TABLE_OPERATIONS.map((op) => [op.toLowerCase(), { namespace: DDB, metricName: 'SystemErrors', dimensions: { ...table, Operation: op }, stat: 'Sum' } satisfies MetricSpec]),
      ),
      expression: LOCK_TABLE_OPERATIONS.map((op) => `FILL(${op.toLowerCase()}, 0)`).join(' + '),
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: t.lockTableSystemErrors,
    });
    if (props.catchUp) {
      const overdueAfter = Math.floor(props.catchUp.expiresAt.getTime() / 1000) + t.catchUpOverrunMinutes * 60;
      add('catch-up-overrun', undefined, `group ${props.catchUp.groupName}, expired ${props.catchUp.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`, {
        metrics: {
          inservice: { namespace: ASG, metricName: 'GroupInServiceInstances', dimensions: { AutoScalingGroupName: props.catchUp.groupName }, stat: 'Maximum' },
        },
        // EPOCH: each data point's time (seconds). Before the expiry (plus the grace) the
        // fleet is meant to run; after it, any instance in service is an overrun.
        expression: `IF(EPOCH(inservice) > ${overdueAfter} AND inservice > 0, 1, 0)`,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
      });
    }
    this.alarms = alarms;
    this.dashboard = new Dashboard(this, 'Dashboard', { name: this.dashboardName, region: props.region, widgets, periodSeconds: t.periodSeconds });
  }
}

/** The dashboard graph of an alarm's signal: its metrics (or expression) and the threshold line. */
function widgetOf(title: string, spec: Pick<MetricAlarmProps, 'metrics' | 'expression' | 'threshold'>): DashboardWidget {
  const ids = Object.keys(spec.metrics).sort();
  const rows: unknown[][] = ids.map((id) => {
    const m = spec.metrics[id];
    const dims = Object.entries(m.dimensions).flat();
    return [m.namespace, m.metricName, ...dims, { stat: m.stat, id, visible: spec.expression === undefined }];
  });
  if (spec.expression !== undefined) rows.unshift([{ expression: spec.expression, label: title, id: 'signal' }]);
  return { title, metrics: rows, thresholds: [{ label: 'alarm threshold', value: spec.threshold }] };
}
