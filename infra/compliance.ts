import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';

/**
 * The cdk-nag packs every synth runs (infra/token-hook-app.ts): AWS Solutions, HIPAA Security and NIST
 * 800-53 rev. 5. A finding nobody fixed or acknowledged fails `cdk synth`.
 */
export const COMPLIANCE_PACKS = [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks] as const;

/** The rule-id prefix of each pack that shares rule names: HIPAA Security and NIST 800-53 rev. 5. */
const SHARED_RULE_PREFIXES = ['HIPAA.Security', 'NIST.800.53.R5'] as const;

/** Acknowledges one rule of both the HIPAA and the NIST pack (they name their rules alike) on `scope`. */
export function acknowledgeInHipaaAndNist(scope: IConstruct, rule: string, reason: string): void {
  for (const prefix of SHARED_RULE_PREFIXES) Validations.of(scope).acknowledge({ id: `${prefix}-${rule}`, reason });
}

/** Why neither function has a dead-letter queue (LambdaDLQ). */
export const NO_DLQ_REASON =
  'Both functions are only invoked synchronously: the hook by API Gateway, the rotation function step by step by ' +
  'Secrets Manager. Lambda sends only asynchronous events to a dead-letter queue, so there would never be one ' +
  'in it: a failed hook call is answered by the failure policy and counted, a failed rotation step is recorded ' +
  'by Secrets Manager and raises the RotationErrors alarm.';

/** Why neither function runs in a VPC (LambdaInsideVPC). */
export const NO_VPC_REASON =
  'The functions reach only public AWS APIs (DynamoDB, Secrets Manager, CloudWatch Logs) over TLS with SigV4 and, ' +
  "for rotation, Okta's Management API; there is no private-network resource to protect. Access is controlled by " +
  "each function's least-privilege role, not by the network. A VPC would add NAT or interface endpoints (a fixed " +
  "monthly cost per AZ) and network set-up to cold starts inside Okta's 3 s, without narrowing what either can reach.";

/** Why the rotation function reserves no concurrency (LambdaConcurrency); the hook's is reserved. */
export const ROTATION_CONCURRENCY_REASON =
  'The rotation function is invoked only by Secrets Manager, one step at a time for one secret (a rotation in ' +
  'progress blocks the next), so it can never scale out; reserving concurrency for it would only take capacity ' +
  "from the account's unreserved pool.";

/** Why the function roles hold inline policies (IAMNoInlinePolicy). */
export const INLINE_POLICY_REASON =
  "Each role's policy is written for exactly one function, is scoped to that function's own resources and is " +
  "deleted with it. AWS's IAM guide recommends inline policies for this strict one-to-one relationship, so the " +
  'permissions cannot be attached to another identity by mistake; a managed policy would add a reusable object ' +
  'nothing else should use.';
