/**
 * The alarms, dashboard and alarm topic applied for real, by Terraform and the real
 * AWS provider, to a local AWS emulator (the project's, startTestEmulator: a free port,
 * stopped by its PID afterwards), then read back with the AWS SDK: CloudWatch PutMetricAlarm
 * (metric math), PutDashboard, SNS CreateTopic and Subscribe (email and a
 * PagerDuty HTTPS endpoint from a sensitive variable).
 *
 * Only the monitoring resources are applied (their dimensions are literal ARN
 * suffixes here); the whole sandbox applying to the emulator is issue 8's.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { FleetMonitoring } from '../../lib/constructs/fleet-monitoring';
import { ALARM_DEFAULTS } from '../../lib/flags/schema';
import { SIGNAL_IDS } from '../../lib/monitoring/signals';
import { clientConfig } from '../../lib/emulator/clients';
import { EMULATOR_CREDENTIALS } from '../../lib/emulator/emulator';
import { EMULATOR_CONFIG_FILE, EMULATOR_PROFILE, writeEmulatorProfile } from '../../lib/terraform/emulator-profile';
import { linkProviders, terraform } from '../../lib/terraform/runner';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { testApp } from '../helpers/cdktf-app';

const PAGERDUTY_URL = 'https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue';

let emulator: TestEmulator | undefined;
let endpoint: string;
let work: string;

beforeAll(async () => {
  // GIVEN an emulator of this test's own on a free port
  emulator = await startTestEmulator();
  endpoint = emulator.endpoint;

  // and a stack with the sandbox's monitoring, its provider pointed at the emulator
  const app = testApp();
  const stack = new TerraformStack(app, 'monitoring');
  new AwsProvider(stack, 'aws', {
    region: 'us-east-1',
    accessKey: EMULATOR_CREDENTIALS.accessKeyId,
    secretKey: EMULATOR_CREDENTIALS.secretAccessKey,
    // The emulator's certificate is made at each start (the sandbox's provider does the same).
    insecure: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
    // Every service at the emulator as the sandbox's provider reaches it: the emulator profile
    // (written into the working copy below), not an `endpoints` block (~2.4 s of CPU per Terraform process).
    profile: EMULATOR_PROFILE,
    sharedConfigFiles: [EMULATOR_CONFIG_FILE],
  });
  work = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-monitoring-emulator-'));
  new FleetMonitoring(stack, 'Monitoring', {
    namePrefix: 'fleetflags-sandbox',
    region: 'us-east-1',
    thresholds: { ...ALARM_DEFAULTS },
    subscriptions: [
      { kind: 'email', name: 'oncall', address: 'ingest-oncall@example.com' },
      { kind: 'pagerduty', name: 'pagerduty' },
    ],
    loadBalancerArnSuffix: 'app/ff-sandbox/0123456789abcdef',
    targetGroups: [{ fleet: 'ingest', name: 'ff-sandbox-ingest', arnSuffix: 'targetgroup/ff-sandbox-ingest/0123456789abcdef' }],
    groups: [{ fleet: 'ingest', groupName: 'fleetflags-sandbox-ingest' }],
    lockTableName: 'fleetflags-sandbox-locks',
    catchUp: { groupName: 'fleetflags-sandbox-catch-up', expiresAt: new Date('2026-11-24T18:00:00Z') },
  });
  // Its own working copy (its state the default terraform.tfstate there, the emulator profile beside it), the
  // providers linked from the shared init. Not an offline copy (writeOfflineWorkdir): that one is for plans that
  // call nothing, and its override clears the profile, so the apply would not reach the emulator.
  const dir = path.join(work, 'tf');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), Testing.synth(stack));
  writeEmulatorProfile(dir, endpoint);
  await linkProviders(dir);
  // WHEN Terraform applies it
  await terraform(['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false'], {
    cwd: dir,
    env: { TF_VAR_notify_pagerduty: PAGERDUTY_URL },
  });
}, 600_000);

const clients: Array<{ destroy(): void }> = [];
const client = <T extends { destroy(): void }>(c: T): T => (clients.push(c), c);
const config = () => {
  const { forcePathStyle: _, ...c } = clientConfig({ region: 'us-east-1', endpoint });
  return c;
};
const cloudwatch = () => client(new CloudWatchClient(config()));
const sns = () => client(new SNSClient(config()));

afterAll(async () => {
  for (const c of clients) c.destroy();
  // Stop the emulator we started (that PID only).
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('monitoring applied to the AWS emulator', () => {
  it('THEN every alarm exists, with metric math, its runbook description and the topic as its action', async () => {
    const { MetricAlarms = [] } = await cloudwatch().send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'fleetflags-sandbox-' }));
    expect(MetricAlarms.map((a) => a.AlarmName).sort()).toEqual(
      SIGNAL_IDS.map((id) => (id === 'unhealthy-hosts' || id === 'in-service-below-min' ? `fleetflags-sandbox-${id}-ingest` : `fleetflags-sandbox-${id}`)).sort(),
    );
    const lb5xx = MetricAlarms.find((a) => a.AlarmName === 'fleetflags-sandbox-lb-5xx')!;
    expect(lb5xx.AlarmDescription).toMatch(/\nRunbook: docs\/operating\.md#alarm-load-balancer-5xx-rate$/);
    expect(lb5xx.Metrics?.find((m) => m.Id === 'signal')?.Expression).toBe('IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)');
    expect(lb5xx.AlarmActions).toEqual([expect.stringMatching(/^arn:aws:sns:us-east-1:\d{12}:fleetflags-sandbox-alarms$/)]);
  });

  it('THEN the dashboard exists and its body is the JSON of the same signals', async () => {
    const { DashboardBody } = await cloudwatch().send(new GetDashboardCommand({ DashboardName: 'fleetflags-sandbox-fleet' }));
    const body = JSON.parse(DashboardBody!) as { widgets: Array<{ properties: { title: string } }> };
    expect(body.widgets).toHaveLength(SIGNAL_IDS.length);
    expect(body.widgets.map((w) => w.properties.title)).toContain('Load balancer 5xx rate');
  });

  it('THEN the topic has the email and the PagerDuty subscriptions, and the URL is not in the state in plain config', async () => {
    const { Topics = [] } = await sns().send(new ListTopicsCommand({}));
    const topic = Topics.find((t) => t.TopicArn?.endsWith(':fleetflags-sandbox-alarms'))!;
    const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.TopicArn }));
    expect(Subscriptions.map((s) => `${s.Protocol} ${s.Endpoint}`).sort()).toEqual(['email ingest-oncall@example.com', `https ${PAGERDUTY_URL}`]);
    // The synthesized configuration never held the URL: only the variable.
    expect(readFileSync(path.join(work, 'tf', 'cdk.tf.json'), 'utf8')).not.toContain('events.pagerduty.com/integration');
  });
});
