import { Aws, Duration, Stack } from 'aws-cdk-lib';
import { ApiMapping, DomainName, type HttpApi, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { CnameRecord, HealthCheck, HealthCheckType, HostedZone } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { HEALTH_PATH } from '../lambda/config.ts';
import type { RegionalDeployment } from './regions.ts';

/**
 * Route 53's defaults, kept: a health checker asks every 30 s, and 3 answers in a row that fail (or pass)
 * change the status. These and the record's TTL make the recovery time in docs/regions.md.
 */
export const HEALTH_CHECK_INTERVAL_SECONDS = 30;
export const HEALTH_CHECK_FAILURE_THRESHOLD = 3;
/** How long a resolver may keep answering with a region Route 53 has stopped naming. */
export const LATENCY_RECORD_TTL_SECONDS = 60;

export interface RegionalFrontDoorProps {
  deployment: RegionalDeployment;
  api: HttpApi;
  stage: HttpStage;
}

/**
 * The shared host name in one region: the region's certificate for it (ACM, validated in DNS), the HTTP
 * API's custom domain with its mapping, a health check on the region's own API endpoint and the latency
 * record that sends a caller to this region while that check passes. Okta calls the one name; Route 53
 * answers with the nearest region whose check passes. With `drainRegion` naming this region the check is
 * inverted, so a healthy region reads as failed and its sign-ins go elsewhere (Route 53's own drill).
 */
export class RegionalFrontDoor extends Construct {
  readonly healthCheck: HealthCheck;

  constructor(scope: Construct, id: string, { deployment, api, stage }: RegionalFrontDoorProps) {
    super(scope, id);
    const { region, domainName } = deployment;
    const zone = HostedZone.fromHostedZoneId(this, 'Zone', deployment.hostedZoneId);
    const certificate = new Certificate(this, 'Certificate', { domainName, validation: CertificateValidation.fromDns(zone) });
    const domain = new DomainName(this, 'Domain', { domainName, certificate });
    new ApiMapping(this, 'Mapping', { api, domainName: domain, stage });

    // The execute-api endpoint, not the shared name: the shared name would be answered by whichever region
    // is nearest the checker, and the check must tell about this region alone.
    const regionalEndpoint = `${api.apiId}.execute-api.${Stack.of(this).region}.${Aws.URL_SUFFIX}`;
    this.healthCheck = new HealthCheck(this, 'HealthCheck', {
      type: HealthCheckType.HTTPS,
      fqdn: regionalEndpoint,
      resourcePath: HEALTH_PATH,
      requestInterval: Duration.seconds(HEALTH_CHECK_INTERVAL_SECONDS),
      failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
      inverted: deployment.drainRegion === region,
    });
    new CnameRecord(this, 'LatencyRecord', {
      zone,
      // Fully qualified (the trailing dot): the zone is imported by id alone, so its name is not known here.
      recordName: `${domainName}.`,
      domainName: domain.regionalDomainName,
      ttl: Duration.seconds(LATENCY_RECORD_TTL_SECONDS),
      region,
      setIdentifier: region,
      healthCheck: this.healthCheck,
    });
  }
}
