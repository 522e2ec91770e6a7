/**
 * The signals an ingest fleet pages on, as data: one entry per alarm kind, with what
 * it means, what to check first, and the section of docs/operating.md that handles it.
 * The alarm descriptions (lib/constructs/metric-alarm.ts) and the dashboard
 * (lib/constructs/dashboard.ts) are built from this table; a test checks that every
 * `runbookAnchor` is a heading of docs/operating.md.
 */

export const SIGNAL_IDS = [
  'lb-5xx',
  'target-5xx',
  'unhealthy-hosts',
  'response-time',
  'in-service-below-min',
  'lock-table-throttles',
  'lock-table-system-errors',
  'catch-up-overrun',
] as const;
export type SignalId = (typeof SIGNAL_IDS)[number];

export interface Signal {
  readonly id: SignalId;
  /** Short title: the dashboard widget's and the alarm name's. */
  readonly title: string;
  /** What the alarm means, in one sentence. */
  readonly meaning: string;
  /** What the on-call checks first, in one or two sentences. */
  readonly checkFirst: string;
  /** GitHub anchor of its section in docs/operating.md ("Alarm: ..." headings). */
  readonly runbookAnchor: string;
}

export const SIGNALS: Readonly<Record<SignalId, Signal>> = {
  'lb-5xx': {
    id: 'lb-5xx',
    title: 'Load balancer 5xx rate',
    meaning: 'The load balancer itself answers 5xx (502/503/504) to senders: no healthy target, or targets that reset or time out.',
    checkFirst: 'Healthy host count of each target group and the last deploy (npm run history); 503 means no healthy target.',
    runbookAnchor: 'alarm-load-balancer-5xx-rate',
  },
  'target-5xx': {
    id: 'target-5xx',
    title: 'Target 5xx rate',
    meaning: 'The ingest agents answer 5xx: they accept connections but fail requests, so senders retry or drop logs.',
    checkFirst: 'Did a deploy just change the build (npm run history)? Then the agent logs of one instance and the lock-table alarms.',
    runbookAnchor: 'alarm-target-5xx-rate',
  },
  'unhealthy-hosts': {
    id: 'unhealthy-hosts',
    title: 'Unhealthy hosts',
    meaning: 'Targets of this target group fail the health check, so the fleet serves with less capacity than it has.',
    checkFirst: 'The target health reasons (aws elbv2 describe-target-health) and whether an instance refresh is running.',
    runbookAnchor: 'alarm-unhealthy-hosts-in-a-target-group',
  },
  'response-time': {
    id: 'response-time',
    title: 'Target response time p99',
    meaning: 'The slowest 1% of requests take longer than the threshold: agents are saturated or waiting on S3 or the lock table.',
    checkFirst: 'CPU and in-service count of the fleet on the dashboard, then the lock-table throttle alarm.',
    runbookAnchor: 'alarm-target-response-time',
  },
  'in-service-below-min': {
    id: 'in-service-below-min',
    title: 'In-service below minimum',
    meaning: 'The Auto Scaling group has fewer instances in service than its minimum: launches fail or instances die faster than they start.',
    checkFirst: 'The group\'s activity history (aws autoscaling describe-scaling-activities): spot capacity, AMI or artifact failures.',
    runbookAnchor: 'alarm-in-service-instances-below-the-minimum',
  },
  'lock-table-throttles': {
    id: 'lock-table-throttles',
    title: 'Lock-table throttles',
    meaning: 'DynamoDB throttles reads or writes on the lock table, so agents claim objects slowly and the backlog grows.',
    checkFirst: 'A hot partition or a catch-up fleet just started (both fleets claim in the same table); the table is on demand.',
    runbookAnchor: 'alarm-lock-table-throttles',
  },
  'lock-table-system-errors': {
    id: 'lock-table-system-errors',
    title: 'Lock-table system errors',
    meaning: 'DynamoDB answers claims (PutItem, UpdateItem) with HTTP 500: an AWS-side problem; agents retry.',
    checkFirst: 'The AWS Health Dashboard for DynamoDB in this region; nothing in our configuration causes these.',
    runbookAnchor: 'alarm-lock-table-system-errors',
  },
  'catch-up-overrun': {
    id: 'catch-up-overrun',
    title: 'Catch-up fleet past expiry',
    meaning: 'The catch-up fleet still has instances in service after its expiresAt: the scale-to-zero schedule did not run, and it costs money.',
    checkFirst: 'The group\'s scheduled actions and size; then set catchUp.enabled to false in the flags and deploy.',
    runbookAnchor: 'alarm-catch-up-fleet-running-after-its-expiry',
  },
};

/**
 * GitHub's anchor of a markdown heading: lowercase, punctuation other than "-" and
 * "_" removed, spaces to "-". (Duplicates get "-1", "-2"; our headings are unique.)
 */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The runbook link of a signal, from where docs/operating.md is read (flags `alarms.runbookUrl`). */
export function runbookLink(runbookUrl: string, signal: Signal): string {
  return `${runbookUrl}#${signal.runbookAnchor}`;
}

/** The console URL of a CloudWatch dashboard. */
export function dashboardUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;
}
