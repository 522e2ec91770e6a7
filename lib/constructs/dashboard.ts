import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

/** One graph of the dashboard: metrics (as CloudWatch's `metrics` array rows) or one expression. */
export interface DashboardWidget {
  readonly title: string;
  /**
   * Rows of the widget's `metrics` array: `[namespace, name, dimName, dimValue, ..., { stat, id?, visible? }]`
   * or `[{ expression, label, id }]`.
   */
  readonly metrics: readonly (readonly unknown[])[];
  /** Horizontal lines at the alarm thresholds. @default - none */
  readonly thresholds?: readonly { readonly label: string; readonly value: number }[];
}

export interface DashboardProps {
  /** Dashboard name: letters, digits, "-" and "_", up to 255 characters. */
  readonly name: string;
  readonly region: string;
  readonly widgets: readonly DashboardWidget[];
  /**
   * Seconds per data point of every graph.
   * @default 60
   */
  readonly periodSeconds?: number;
}

/** Widgets per row (each 12 of the grid's 24 columns wide, 6 high). */
const COLUMNS = 2;

/**
 * A CloudWatch dashboard of an environment: the same signals its alarms watch, one
 * graph each, with the alarm threshold drawn in. The alarm descriptions link here.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const period = props.periodSeconds ?? 60;
    const widgets = props.widgets.map((w, i) => ({
      type: 'metric',
      x: (i % COLUMNS) * 12,
      y: Math.floor(i / COLUMNS) * 6,
      width: 12,
      height: 6,
      properties: {
        title: w.title,
        region: props.region,
        view: 'timeSeries',
        stacked: false,
        period,
        metrics: w.metrics,
        ...(w.thresholds?.length ? { annotations: { horizontal: w.thresholds.map((t) => ({ label: t.label, value: t.value })) } } : {}),
      },
    }));
    this.dashboard = new CloudwatchDashboard(this, 'Resource', {
      dashboardName: props.name,
      // jsonencode: the dimension values (load balancer and target group ARN suffixes)
      // are known only after apply.
      dashboardBody: Fn.jsonencode({ widgets }),
    });
  }
}
