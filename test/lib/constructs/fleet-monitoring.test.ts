/**
 * The fleet stack's monitoring: alarms that carry their runbook, a dashboard of the
 * same signals, and the SNS topic whose subscriptions come from the flags. Judged by
 * property matchers on the synthesized stack and by Terraform (validate + offline plan).
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformStack } from 'cdktf';
import { MetricAlarm, MAX_ALARM_DESCRIPTION_CHARS } from '../../../lib/constructs/metric-alarm';
import { SIGNALS } from '../../../lib/monitoring/signals';
import { writeOfflineWorkdir } from '../../../lib/terraform/offline-workdir';
import { planJson, validate, type StackJson } from '../../../lib/terraform/runner';
import { CATCH_UP_EXPIRES_AT, fleetFlags } from '../../helpers/fleet-flags';
import { synthFleetStack, synthFleetString } from '../../helpers/fleet-synth';
import { testApp } from '../../helpers/cdktf-app';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const alarmsOf = (stack: StackJson): Json[] => Object.values((stack.resource?.aws_cloudwatch_metric_alarm ?? {}) as Record<string, Json>);
const alarmNamed = (stack: StackJson, name: string): Json => {
  const found = alarmsOf(stack).find((a) => a.alarm_name === name);
  if (!found) throw new Error(`no alarm ${name}; have ${alarmsOf(stack).map((a) => a.alarm_name).join(', ')}`);
  return found;
};

const PAGERDUTY = { kind: 'pagerduty', name: 'pagerduty' } as const;
const EMAIL = { kind: 'email', name: 'oncall', address: 'ingest-oncall@example.com' } as const;

describe('FleetMonitoring in the fleet stack', () => {
  it('GIVEN all fleet flags off WHEN synthesized THEN one alarm per signal of the main fleet, each notifying the topic', () => {
    // GIVEN / WHEN
    const stack = synthFleetStack(fleetFlags());
    // THEN
    expect(alarmsOf(stack).map((a) => a.alarm_name).sort()).toEqual(
      [
        'fleetflags-sandbox-in-service-below-min-ingest',
        'fleetflags-sandbox-lb-5xx',
        'fleetflags-sandbox-lock-table-system-errors',
        'fleetflags-sandbox-lock-table-throttles',
        'fleetflags-sandbox-response-time',
        'fleetflags-sandbox-target-5xx',
        'fleetflags-sandbox-unhealthy-hosts-ingest',
      ].sort(),
    );
    for (const alarm of alarmsOf(stack)) {
      expect(alarm.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.Monitoring_Topic_\w+\.arn\}$/)]);
      expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
      expect(alarm.treat_missing_data).toBe('notBreaching');
    }
    expect(synthFleetString(fleetFlags())).toHaveResourceWithProperties(SnsTopic, { name: 'fleetflags-sandbox-alarms' });
    expect(synthFleetString(fleetFlags())).not.toHaveResource(SnsTopicSubscription);
  });

  it('GIVEN the default thresholds WHEN synthesized THEN each alarm compares its signal with the documented default', () => {
    const stack = synthFleetStack(fleetFlags());
    expect(alarmNamed(stack, 'fleetflags-sandbox-lb-5xx')).toMatchObject({
      comparison_operator: 'GreaterThanThreshold',
      threshold: 1,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
      metric_query: expect.arrayContaining([
        expect.objectContaining({ id: 'signal', expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', return_data: true }),
        expect.objectContaining({
          id: 'errors',
          return_data: false,
          metric: expect.objectContaining({ namespace: 'AWS/ApplicationELB', metric_name: 'HTTPCode_ELB_5XX_Count', stat: 'Sum', period: 60 }),
        }),
      ]),
    });
    expect(alarmNamed(stack, 'fleetflags-sandbox-response-time')).toMatchObject({
      threshold: 2,
      metric_query: [expect.objectContaining({ metric: expect.objectContaining({ metric_name: 'TargetResponseTime', stat: 'p99' }) })],
    });
    expect(alarmNamed(stack, 'fleetflags-sandbox-lock-table-throttles')).toMatchObject({
      threshold: 10,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      metric_query: expect.arrayContaining([
        expect.objectContaining({ metric: expect.objectContaining({ metric_name: 'WriteThrottleEvents', dimensions: { TableName: 'fleetflags-sandbox-locks' } }) }),
      ]),
    });
    expect(alarmNamed(stack, 'fleetflags-sandbox-lock-table-system-errors').metric_query).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: expect.objectContaining({ metric_name: 'SystemErrors', dimensions: { TableName: 'fleetflags-sandbox-locks', Operation: 'PutItem' } }) }),
        expect.objectContaining({ metric: expect.objectContaining({ metric_name: 'SystemErrors', dimensions: { TableName: 'fleetflags-sandbox-locks', Operation: 'UpdateItem' } }) }),
      ]),
    );
  });

  it('GIVEN thresholds set in the flags WHEN synthesized THEN the alarms use them', () => {
    const flags = fleetFlags({}, (raw) => {
      raw.alarms = { loadBalancer5xxPercent: 0.5, unhealthyHosts: 2, periodSeconds: 300, evaluationPeriods: 3 };
    });
    const stack = synthFleetStack(flags);
    expect(alarmNamed(stack, 'fleetflags-sandbox-lb-5xx')).toMatchObject({ threshold: 0.5, evaluation_periods: 3 });
    expect(alarmNamed(stack, 'fleetflags-sandbox-unhealthy-hosts-ingest')).toMatchObject({ threshold: 2 });
    expect(alarmNamed(stack, 'fleetflags-sandbox-target-5xx').metric_query[1].metric.period).toBe(300);
  });

  it('GIVEN quarantines WHEN synthesized THEN each quarantine target group and group gets its own alarms, keyed by name', () => {
    const stack = synthFleetStack(fleetFlags({ quarantines: true }));
    const names = alarmsOf(stack).map((a) => a.alarm_name);
    expect(names).toEqual(expect.arrayContaining([
      'fleetflags-sandbox-unhealthy-hosts-q-acme',
      'fleetflags-sandbox-unhealthy-hosts-q-globex',
      'fleetflags-sandbox-in-service-below-min-q-acme',
      'fleetflags-sandbox-in-service-below-min-q-globex',
    ]));
    const unhealthy = alarmNamed(stack, 'fleetflags-sandbox-unhealthy-hosts-q-acme');
    expect(unhealthy.metric_query[0].metric.dimensions).toEqual({
      TargetGroup: expect.stringMatching(/^\$\{aws_lb_target_group\.Quarantine-acme_TargetGroup_\w+\.arn_suffix\}$/),
      LoadBalancer: expect.stringMatching(/^\$\{aws_lb\.LoadBalancer_\w+\.arn_suffix\}$/),
    });
    expect(Object.keys(stack.resource.aws_cloudwatch_metric_alarm)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Monitoring_Alarm-unhealthy-hosts-q-acme_\w+$/)]),
    );
  });

  it('GIVEN the catch-up fleet on WHEN synthesized THEN an alarm fires when it still has instances after its expiry plus the grace', () => {
    const stack = synthFleetStack(fleetFlags({ catchUp: true }));
    const overrun = alarmNamed(stack, 'fleetflags-sandbox-catch-up-overrun');
    const after = Date.parse(CATCH_UP_EXPIRES_AT) / 1000 + 30 * 60;
    expect(overrun.metric_query[0].expression).toBe(`IF(EPOCH(inservice) > ${after} AND inservice > 0, 1, 0)`);
    expect(overrun.metric_query[1].metric).toMatchObject({ metric_name: 'GroupInServiceInstances', dimensions: { AutoScalingGroupName: expect.stringMatching(/CatchUp/) } });
    expect(alarmsOf(synthFleetStack(fleetFlags({ catchUp: false }))).map((a) => a.alarm_name)).not.toContain('fleetflags-sandbox-catch-up-overrun');
  });

  it('GIVEN every alarm WHEN its description is read THEN it says what it means, what to check first, and links dashboard and runbook', () => {
    const stack = synthFleetStack(fleetFlags({ catchUp: true, quarantines: true }));
    for (const alarm of alarmsOf(stack)) {
      const d: string = alarm.alarm_description;
      expect(d.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION_CHARS);
      expect(d).toMatch(/^.+: .+\nCheck first: .+\nDashboard: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards\/dashboard\/fleetflags-sandbox-fleet\nRunbook: docs\/operating\.md#alarm-[a-z0-9-]+$/);
    }
  });

  it('GIVEN a runbook URL in the flags WHEN synthesized THEN the links use it', () => {
    const flags = fleetFlags({}, (raw) => {
      raw.alarms = { runbookUrl: 'https://github.com/acme/fleetflags/blob/main/docs/operating.md' };
    });
    expect(alarmNamed(synthFleetStack(flags), 'fleetflags-sandbox-lb-5xx').alarm_description).toContain(
      'Runbook: https://github.com/acme/fleetflags/blob/main/docs/operating.md#alarm-load-balancer-5xx-rate',
    );
  });

  it('GIVEN the signals WHEN synthesized THEN the dashboard graphs each alarm\'s signal with its threshold', () => {
    const stack = synthFleetStack(fleetFlags({ catchUp: true }));
    expect(synthFleetString(fleetFlags())).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: 'fleetflags-sandbox-fleet' });
    const body: string = Object.values(stack.resource.aws_cloudwatch_dashboard as Record<string, Json>)[0].dashboard_body;
    expect(body).toMatch(/^\$\{jsonencode\(/);
    for (const alarm of alarmsOf(stack)) {
      const title = alarm.alarm_description.split(':')[0];
      expect(body).toContain(title);
    }
    expect(body).toContain('alarm threshold');
  });

  it('GIVEN an email and a PagerDuty subscription WHEN synthesized THEN the email is in the config and the PagerDuty URL only a sensitive variable', () => {
    const flags = fleetFlags({}, (raw) => {
      raw.notifications = { subscriptions: [EMAIL, PAGERDUTY] };
    });
    const text = synthFleetString(flags);
    expect(text).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: 'email', endpoint: 'ingest-oncall@example.com' });
    expect(text).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: 'https', endpoint: '${var.notify_pagerduty}', endpoint_auto_confirms: true });
    const stack = JSON.parse(text) as StackJson;
    expect(stack.variable.notify_pagerduty).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(text).not.toMatch(/events\.pagerduty\.com\/integration/);
  });

  it('GIVEN flags with an HTTPS URL in them WHEN parsed THEN the schema refuses it (tokens never go into git)', () => {
    expect(() =>
      fleetFlags({}, (raw) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        raw.notifications = { subscriptions: [{ kind: 'pagerduty', name: 'pd', endpoint: 'https://events.pagerduty.com/integration/abc/enqueue' } as any] };
      }),
    ).toThrow(/endpoint/);
  });

  it('GIVEN a too-long description WHEN an alarm is made THEN a named error says so', () => {
    const stack = new TerraformStack(testApp(), 's');
    expect(
      () =>
        new MetricAlarm(stack, 'A', {
          name: 'a',
          signal: { ...SIGNALS['lb-5xx'], meaning: 'x'.repeat(1100) },
          dashboardUrl: 'https://d',
          runbookUrl: 'docs/operating.md#alarm-load-balancer-5xx-rate',
          metrics: { m: { namespace: 'N', metricName: 'M', dimensions: {}, stat: 'Sum' } },
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 1,
          periodSeconds: 60,
          evaluationPeriods: 1,
          topicArn: 'arn:aws:sns:us-east-1:000000000000:t',
        }),
    ).toThrow(/description is \d+ characters; CloudWatch allows at most 1024/);
  });
});

describe('FleetMonitoring judged by Terraform', () => {
  let plan: StackJson;
  const secret = 'https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue';

  beforeAll(async () => {
    const flags = fleetFlags({ catchUp: true, quarantines: true }, (raw) => {
      raw.notifications = { subscriptions: [EMAIL, PAGERDUTY] };
    });
    const dir = tempDir('tf-monitoring-');
    await writeOfflineWorkdir(dir, synthFleetStack(flags));
    await validate(dir);
    plan = await planJson(dir, { extraArgs: [`-var=notify_pagerduty=${secret}`] });
  });

  it('GIVEN alarms, dashboard, topic and subscriptions WHEN planned THEN Terraform creates every one', () => {
    const created = (type: string) => (plan.resource_changes as Json[]).filter((rc) => rc.type === type && rc.change.actions.join() === 'create');
    expect(created('aws_cloudwatch_metric_alarm')).toHaveLength(7 + 4 + 1);
    expect(created('aws_cloudwatch_dashboard')).toHaveLength(1);
    expect(created('aws_sns_topic')).toHaveLength(1);
    expect(created('aws_sns_topic_subscription')).toHaveLength(2);
  });

  it('GIVEN the PagerDuty URL as a variable WHEN planned THEN the plan marks it sensitive', () => {
    const https = (plan.resource_changes as Json[]).find((rc) => rc.type === 'aws_sns_topic_subscription' && rc.change.after.protocol === 'https')!;
    expect(https.change.after_sensitive).toMatchObject({ endpoint: true });
    expect(plan.variables.notify_pagerduty).toBeDefined();
  });
});
