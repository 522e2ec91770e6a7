import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { constructErrors } from '../errors';
import type { Signal } from '../monitoring/signals';

/** CloudWatch refuses alarm descriptions longer than this (characters). */
export const MAX_ALARM_DESCRIPTION_CHARS = 1024;

/** One CloudWatch metric: namespace, name, dimensions and statistic. */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** "Sum", "Average", "Maximum", ... or a percentile such as "p99". */
  readonly stat: string;
}

export interface MetricAlarmProps {
  /** Alarm name, unique per account and region. */
  readonly name: string;
  /** The signal it watches: its description comes from here (lib/monitoring/signals.ts). */
  readonly signal: Signal;
  /** What it watches, e.g. "target group ff-prod-ingest"; added to the description. @default - none */
  readonly subject?: string;
  /** Link of the environment's dashboard. */
  readonly dashboardUrl: string;
  /** Link of the signal's section of docs/operating.md. */
  readonly runbookUrl: string;
  /** A single metric, or the metrics an `expression` combines (by ID, lowercase). */
  readonly metrics: Readonly<Record<string, MetricSpec>>;
  /** Metric math over `metrics`; the alarm watches its result. @default - the single metric itself */
  readonly expression?: string;
  readonly comparisonOperator:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  readonly threshold: number;
  /** Length of one period. */
  readonly periodSeconds: number;
  /** Consecutive breaching periods before the alarm fires. */
  readonly evaluationPeriods: number;
  /** Notified on ALARM and OK (the environment's SNS topic). */
  readonly topicArn: string;
}

/**
 * A CloudWatch alarm that carries its runbook: the description says what it means,
 * what to check first, and links the dashboard and the section of docs/operating.md
 * that handles it. Missing data is not breaching (throttle and error metrics are only
 * sent when something happens). It notifies the topic on ALARM and on OK.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html
 */
export class MetricAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;
  readonly description: string;

  constructor(scope: Construct, id: string, props: MetricAlarmProps) {
    super(scope, id);
    this.description = alarmDescription(props);
    if (this.description.length > MAX_ALARM_DESCRIPTION_CHARS) {
      throw constructErrors.alarmDescriptionTooLong(props.name, this.description.length, MAX_ALARM_DESCRIPTION_CHARS);
    }
    const ids = Object.keys(props.metrics).sort();
    if (props.expression === undefined && ids.length !== 1) throw constructErrors.alarmMetricsInvalid(props.name, ids);

    const metricQuery = (id: string, returnData: boolean) => {
      const m = props.metrics[id];
      return {
        id,
        returnData,
        metric: {
          namespace: m.namespace,
          metricName: m.metricName,
          dimensions: { ...m.dimensions },
          period: props.periodSeconds,
          stat: m.stat,
        },
      };
    };
    this.alarm = new CloudwatchMetricAlarm(this, 'Resource', {
      alarmName: props.name,
      alarmDescription: this.description,
      comparisonOperator: props.comparisonOperator,
      threshold: props.threshold,
      evaluationPeriods: props.evaluationPeriods,
      datapointsToAlarm: props.evaluationPeriods,
      treatMissingData: 'notBreaching',
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
      metricQuery:
        props.expression === undefined
          ? [metricQuery(ids[0], true)]
          : [
              { id: 'signal', expression: props.expression, label: props.signal.title, returnData: true },
              ...ids.map((id) => metricQuery(id, false)),
            ],
    });
  }
}

/** The description: meaning, what to check first, dashboard and runbook links. */
export function alarmDescription(props: Pick<MetricAlarmProps, 'signal' | 'subject' | 'dashboardUrl' | 'runbookUrl'>): string {
  const s = props.signal;
  return [
    `${s.title}${props.subject ? ` (${props.subject})` : ''}: ${s.meaning}`,
    `Check first: ${s.checkFirst}`,
    `Dashboard: ${props.dashboardUrl}`,
    `Runbook: ${props.runbookUrl}`,
  ].join('\n');
}
