// AWS SDK clients pointed at a running minifront, for `minifront serve` and the seed file: they
// create resources through the same API requests a user's aws CLI or Terraform would send, so
// validation, ETags, persistence and invalidations behave exactly as for those.
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { S3Client } from "@aws-sdk/client-s3";
import { AwsSdkSigV4Signer } from "@aws-sdk/core";

export interface AwsClients {
  readonly cloudfront: CloudFrontClient;
  readonly s3: S3Client;
  /** The KeyValueStore data API; built on first use. */
  kvs(): CloudFrontKeyValueStoreClient;
  destroy(): void;
}

// minifront accepts any credentials; these are the ones the README's examples use.
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** Clients for the emulator whose API listens at `endpoint`. */
export function awsClients(endpoint: string): AwsClients {
  const base = { endpoint, region: "us-east-1", credentials: CREDENTIALS };
  let kvs: CloudFrontKeyValueStoreClient | undefined;
  const cloudfront = new CloudFrontClient(base);
  // Path-style: bucket names under 127.0.0.1 do not resolve.
  const s3 = new S3Client({ ...base, forcePathStyle: true });
  return {
    cloudfront,
    s3,
    kvs() {
      // The KeyValueStore client signs with SigV4A, which needs @aws-sdk/signature-v4a (not a
      // dependency of the package); minifront tells that API apart by the credential scope's
      // service name alone, so plain SigV4 with the same scope reaches it. The endpoint provider
      // replaces the account-prefixed AWS host.
      kvs ??= new CloudFrontKeyValueStoreClient({
        region: "us-east-1",
        credentials: CREDENTIALS,
        endpointProvider: () => ({ url: new URL(endpoint) }),
        httpAuthSchemes: [{ schemeId: "aws.auth#sigv4a", identityProvider: (config) => config.getIdentityProvider("aws.auth#sigv4"), signer: new AwsSdkSigV4Signer() }],
      });
      return kvs;
    },
    destroy() {
      cloudfront.destroy();
      s3.destroy();
      kvs?.destroy();
    },
  };
}
