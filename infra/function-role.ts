import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeInHipaaAndNist, INLINE_POLICY_REASON } from './compliance.ts';

/**
 * An execution role that may write to its own log group and nothing else. Instead of the managed
 * AWSLambdaBasicExecutionRole, whose `logs:*` actions apply to every log group in the account.
 * Whatever else the function needs is added to the same default policy by its owner. The statement is
 * in the default policy, not inline in the role, so the role does not depend on the log group: the log
 * group is encrypted with the stack's data key, whose policy may name the role (a rotation grant).
 */
export function createFunctionRole(scope: Construct, id: string, logGroup: ILogGroup, description: string): Role {
  const role = new Role(scope, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  acknowledgeInHipaaAndNist(role, 'IAMNoInlinePolicy', INLINE_POLICY_REASON);
  return role;
}
