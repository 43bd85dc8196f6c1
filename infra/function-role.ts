import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * An execution role that may write to its own log group and nothing else. Instead of the managed
 * AWSLambdaBasicExecutionRole, whose `logs:*` actions apply to every log group in the account.
 * Whatever else the function needs is added to the role's default policy by its owner.
 */
export function createFunctionRole(scope: Construct, id: string, logGroup: ILogGroup, description: string): Role {
  return new Role(scope, id, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description,
    inlinePolicies: {
      WriteOwnLogs: new PolicyDocument({
        statements: [
          new PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [logGroup.logGroupArn],
          }),
        ],
      }),
    },
  });
}
