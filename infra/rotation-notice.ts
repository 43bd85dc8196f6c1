import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface RotationNoticeProps {
  /** The Basic credential whose rotations are announced. */
  secret: ISecret;
  /** Where the notice goes: the alarm topic. */
  topic: ITopic;
  /** How long the hook still accepts the previous value (ROTATION_GRACE_HOURS), for the message. */
  rotationGraceHours: number;
  stageName: string;
}

/**
 * Tells the operator that the Basic credential rotated, and that the rotation function updated the inline
 * hook in Okta and had Okta call the hook with the new value before it became current: nothing to do.
 * A rotation that failed sends no notice; it raises the RotationErrors alarm on the same topic.
 *
 * Secrets Manager records a finished rotation as the CloudTrail service event `RotationSucceeded`
 * (detail-type "AWS Service Event via CloudTrail", the secret's ARN in `additionalEventData.SecretId`),
 * which EventBridge receives on the default bus with no trail to set up. The message holds the secret's
 * ARN and the time, never its value.
 */
export class RotationNotice extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RotationNoticeProps) {
    super(scope, id);
    this.rule = new Rule(this, 'RotationSucceeded', {
      description: 'The Okta hook credential rotated and Okta was updated: tell the operator',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationSucceeded'],
          additionalEventData: { SecretId: [props.secret.secretArn] },
        },
      },
    });
    const message = RuleTargetInput.fromMultilineText(rotationNoticeText(props, EventField.time, props.secret.secretArn));
    // Bound by hand rather than with aws-events-targets' SnsTopic, whose topic policy lets EventBridge
    // publish for any rule of any account: here only this rule may (no confused deputy).
    this.rule.addTarget({ bind: () => ({ arn: props.topic.topicArn, input: message }) });
    props.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'RotationNoticeFromEventBridge',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
      }),
    );
  }
}

/** The notice, one sentence a line (each line arrives as its own quoted string in the email). */
function rotationNoticeText(props: Pick<RotationNoticeProps, 'rotationGraceHours' | 'stageName'>, time: string, secretId: string): string {
  const grace =
    props.rotationGraceHours > 0
      ? `The hook still accepts the previous value for ${props.rotationGraceHours} hours after the rotation, for calls Okta had under way.`
      : 'ROTATION_GRACE_HOURS is 0: the hook accepts the new value only.';
  return [
    `The Basic credential of the Okta token hook (stage ${props.stageName}) was rotated at ${time}.`,
    'Okta was updated automatically: the rotation function set the new value on the inline hook in Okta and had Okta call the hook with it before it became current.',
    grace,
    'Nothing to do. A failed rotation sends no notice like this one: it raises the RotationErrors alarm, and the previous credential stays current and in Okta.',
    `Secret: ${secretId}. Runbook: docs/operations.md, "Rotating the credential".`,
  ].join('\n');
}
