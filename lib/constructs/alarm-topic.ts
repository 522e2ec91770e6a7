import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { NotificationSubscription } from '../flags/schema';
import { endpointVariableName } from '../naming';

export interface AlarmTopicProps {
  /** Topic name, unique per account and region. */
  readonly name: string;
  /**
   * Who is notified (flags `notifications.subscriptions`).
   * @default - none: the alarms still change state and show on the dashboard
   */
  readonly subscriptions?: readonly NotificationSubscription[];
}

/** What an HTTPS endpoint of each kind must start with (checked by Terraform, without printing the value). */
export const HTTPS_ENDPOINT_PREFIX: Readonly<Record<'pagerduty' | 'slack', string>> = {
  pagerduty: 'https://events.pagerduty.com/',
  slack: 'https://',
};

/**
 * The SNS topic an environment's alarms notify, and its subscriptions. Email
 * addresses come from the flags. PagerDuty and Slack endpoints are URLs with a token
 * in them: they never come from the flags file (committed to git) nor from the
 * environment at synth (that would write them into cdk.tf.json). Each is a sensitive
 * Terraform variable, `notify_<name>`, that CI supplies from its secret store as
 * `TF_VAR_notify_<name>` at plan and apply; plans show it as (sensitive value).
 *
 * The topic is not KMS-encrypted: CloudWatch cannot publish to a topic encrypted with
 * the AWS-managed SNS key, and alarm notifications carry no log data.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly subscriptions: readonly SnsTopicSubscription[];
  readonly endpointVariables: readonly TerraformVariable[];

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const subscriptions = props.subscriptions ?? [];
    this.topic = new SnsTopic(this, 'Resource', { name: props.name });
    const variables: TerraformVariable[] = [];
    this.subscriptions = subscriptions.map((s) => {
      if (s.kind === 'email') {
        return new SnsTopicSubscription(this, `Subscription-${s.name}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: s.address });
      }
      const name = endpointVariableName(s.name);
      const prefix = HTTPS_ENDPOINT_PREFIX[s.kind];
      const variable = new TerraformVariable(this, name, {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: `${s.kind} endpoint of the alarm topic's "${s.name}" subscription: a URL with a token, from the secret store as TF_VAR_${name}.`,
        validation: [
          {
            condition: `\${startswith(var.${name}, "${prefix}")}`,
            errorMessage: `TF_VAR_${name} must be a ${s.kind} URL starting with "${prefix}" (the value is not shown: it is a secret).`,
          },
        ],
      });
      // A stable name, independent of the construct path: it is what CI sets (TF_VAR_<name>).
      variable.overrideLogicalId(name);
      variables.push(variable);
      return new SnsTopicSubscription(this, `Subscription-${s.name}`, {
        topicArn: this.topic.arn,
        protocol: 'https',
        endpoint: variable.stringValue,
        // PagerDuty confirms SNS subscriptions by itself; a Slack relay must too.
        endpointAutoConfirms: true,
      });
    });
    this.endpointVariables = variables;
  }
}
