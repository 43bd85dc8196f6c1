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
 * Tells the operator that the Basic credential rotated and Okta must be given the new value before the
 * grace period ends; Okta keeps its own copy and no AWS event can update it.
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
      description: 'The Okta hook credential rotated: tell the operator to update Okta before the grace period ends',
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
      ? `The hook accepts the previous value, which Okta still sends, for ${props.rotationGraceHours} hours after the rotation; after that it answers 401 and Okta mints tokens without the patient id claim.`
      : 'ROTATION_GRACE_HOURS is 0: the hook already refuses the previous value, which Okta still sends, so Okta mints tokens without the patient id claim until you update it.';
  return [
    `The Basic credential of the Okta token hook (stage ${props.stageName}) was rotated at ${time}.`,
    grace,
    `Before the grace period ends, print the new value: npm run okta:secret -- --secret-id ${secretId}`,
    'and paste the printed Basic value into Okta: Workflow > Inline Hooks > the hook > Edit > Authentication secret, then Save (or run npm run okta:register with --rotate-secret).',
    'Runbook: README.md, "Rotating the credential".',
  ].join('\n');
}
