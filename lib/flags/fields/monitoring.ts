/** Service-level objectives, alarm thresholds and where alarms go. */
import * as z from 'zod';

const slo = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: '1-40 characters: lowercase letters, digits and "-", starting with a letter or digit' })
      .describe('Name of the SLO in messages, e.g. "ingest-availability".'),
    dataset: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/, { error: 'a Honeycomb dataset slug: letters, digits, ".", "_" and "-"' })
      .describe('Honeycomb dataset slug the SLO is defined in.'),
    sloId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'a Honeycomb SLO ID: 1-64 letters, digits, "_" and "-"' })
      .describe('Honeycomb SLO ID (GET /1/slos/{dataset}/{sloId}).'),
    minBudgetRemainingPercent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('Threshold of this SLO, overriding slos.minBudgetRemainingPercent. 0-100.'),
  })
  .describe('One Honeycomb SLO the error-budget guard reads.');

export const slos = z
  .strictObject({
    minBudgetRemainingPercent: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe(
        'Feature changes are refused while any SLO has less than this per cent of its error budget left (budget_remaining). ' +
          'Rollbacks, reverts and risk-reducing changes pass. 0-100. Default 10.',
      ),
    whenApiUnreachable: z
      .enum(['refuse', 'proceed'], { error: '"refuse" (fail closed) or "proceed"' })
      .default('refuse')
      .describe(
        'What the error-budget guard does when Honeycomb cannot be asked (no HONEYCOMB_API_KEY, network error, non-2xx): ' +
          '"refuse" (fail closed) or "proceed". Default "refuse"; production always refuses.',
      ),
    objectives: z.array(slo).min(1).max(10).describe('The SLOs of this environment, 1-10.'),
  })
  .optional()
  .describe('Error-budget gate (deploy guard ErrorBudgetNotExhausted). Default: none, the guard passes with "no SLOs configured".');
/** Default alarm thresholds: also the documented defaults (docs/flags.md, docs/operating.md). */
export const ALARM_DEFAULTS = {
  loadBalancer5xxPercent: 1,
  target5xxPercent: 5,
  unhealthyHosts: 1,
  targetResponseTimeP99Seconds: 2,
  lockTableThrottledRequests: 10,
  lockTableSystemErrors: 1,
  catchUpOverrunMinutes: 30,
  periodSeconds: 60,
  evaluationPeriods: 5,
  runbookUrl: 'docs/operating.md',
} as const;

export const alarms = z
  .strictObject({
    loadBalancer5xxPercent: z
      .number()
      .positive()
      .max(100)
      .default(ALARM_DEFAULTS.loadBalancer5xxPercent)
      .describe(
        'Alarm when the load balancer itself answers 5xx (HTTPCode_ELB_5XX_Count) for more than this percentage of requests, ' +
          `every period of the evaluation window. 0-100 (exclusive of 0). Default ${ALARM_DEFAULTS.loadBalancer5xxPercent}.`,
      ),
    target5xxPercent: z
      .number()
      .positive()
      .max(100)
      .default(ALARM_DEFAULTS.target5xxPercent)
      .describe(`Alarm when the agents answer 5xx (HTTPCode_Target_5XX_Count) for more than this percentage of requests. Default ${ALARM_DEFAULTS.target5xxPercent}.`),
    unhealthyHosts: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(ALARM_DEFAULTS.unhealthyHosts)
      .describe(`Alarm, per target group, when at least this many targets fail the health check (UnHealthyHostCount). 1-1000. Default ${ALARM_DEFAULTS.unhealthyHosts}.`),
    targetResponseTimeP99Seconds: z
      .number()
      .positive()
      .max(600)
      .default(ALARM_DEFAULTS.targetResponseTimeP99Seconds)
      .describe(`Alarm when the p99 of TargetResponseTime exceeds this many seconds. Default ${ALARM_DEFAULTS.targetResponseTimeP99Seconds}.`),
    lockTableThrottledRequests: z
      .number()
      .int()
      .min(1)
      .default(ALARM_DEFAULTS.lockTableThrottledRequests)
      .describe(`Alarm when the lock table throttles at least this many read and write events per period. Default ${ALARM_DEFAULTS.lockTableThrottledRequests}.`),
    lockTableSystemErrors: z
      .number()
      .int()
      .min(1)
      .default(ALARM_DEFAULTS.lockTableSystemErrors)
      .describe(`Alarm when DynamoDB answers at least this many claims (PutItem, UpdateItem) with a system error (HTTP 500) per period. Default ${ALARM_DEFAULTS.lockTableSystemErrors}.`),
    catchUpOverrunMinutes: z
      .number()
      .int()
      .min(0)
      .max(1440)
      .default(ALARM_DEFAULTS.catchUpOverrunMinutes)
      .describe(
        'Alarm when a catch-up fleet still has instances in service this many minutes after its expiresAt (the scale-to-zero ' +
          `schedule should have run). 0-1440. Default ${ALARM_DEFAULTS.catchUpOverrunMinutes}.`,
      ),
    periodSeconds: z
      .union([z.literal(60), z.literal(300), z.literal(900), z.literal(3600)], { error: '60, 300, 900 or 3600 seconds' })
      .default(ALARM_DEFAULTS.periodSeconds)
      .describe(`Length of one alarm period, in seconds: 60, 300, 900 or 3600. Default ${ALARM_DEFAULTS.periodSeconds}.`),
    evaluationPeriods: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(ALARM_DEFAULTS.evaluationPeriods)
      .describe(`Consecutive breaching periods before an alarm fires, 1-60 (period x this = the window). Default ${ALARM_DEFAULTS.evaluationPeriods}.`),
    runbookUrl: z
      .string()
      .regex(/^(?:https:\/\/[^\s#]+|[A-Za-z0-9._\/-]+\.md)$/, { error: 'an https URL of docs/operating.md (no "#"), or the repository path "docs/operating.md"' })
      .default(ALARM_DEFAULTS.runbookUrl)
      .describe(
        'Where docs/operating.md is read, for the runbook link of every alarm description: an https URL such as ' +
          '"https://github.com/<org>/<repo>/blob/main/docs/operating.md", or the repository path. Default "docs/operating.md".',
      ),
  })
  .describe(
    'CloudWatch alarm thresholds of this environment\'s fleet stack. Each alarm\'s description says what it means, what to check ' +
      'first, and links to the dashboard and to its section of docs/operating.md. Every field has a default.',
  );

const subscription = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('email').describe('"email": an address that receives every alarm (SNS asks it to confirm once).'),
        name: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, { error: '1-32 characters: lowercase letters, digits and "-"' }).describe('Name of the subscription; keys its resources.'),
        address: z.email({ error: 'an email address such as "ingest-oncall@example.com"' }).describe('The email address. Not a secret.'),
      }),
      z.strictObject({
        kind: z
          .enum(['pagerduty', 'slack'])
          .describe(
            '"pagerduty" (an Events API v2 integration URL, https://events.pagerduty.com/...) or "slack" (an HTTPS endpoint ' +
              'that confirms SNS subscriptions, such as an AWS Chatbot or relay URL on https://). The URL carries a token, ' +
              'so it is never in this file: Terraform reads it from the sensitive variable "notify_<name>" (TF_VAR_notify_<name>).',
          ),
        name: z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9_]{0,30}[a-z0-9])?$/, { error: '1-32 characters: lowercase letters, digits and "_" (it names a Terraform variable)' })
          .describe('Name of the subscription; the endpoint comes from the Terraform variable "notify_<name>" (environment variable TF_VAR_notify_<name>).'),
      }),
    ],
    { error: '"email" with an address, or "pagerduty" / "slack" (endpoint from TF_VAR_notify_<name>)' },
  )
  .describe('One subscription of the environment\'s alarm topic.');

export const notifications = z
  .strictObject({
    subscriptions: z
      .array(subscription)
      .max(10)
      .default([])
      .describe('Who the alarms notify: 0-10 subscriptions of the environment\'s SNS topic. Names are unique. Default none.'),
  })
  .describe(
    'Where the alarms go: one SNS topic per environment, "<naming.prefix>-alarms". HTTPS endpoints (PagerDuty, Slack) carry ' +
      'tokens and are supplied at plan and apply time as TF_VAR_notify_<name>, never committed.',
  );
