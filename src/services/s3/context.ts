// What every S3 handler gets as `ctx.service`.
import type { Owner } from "@aws-sdk/client-s3";
import type { RequestContext } from "../../api/service.ts";
import type { Clock } from "../../clock.ts";
import type { S3Storage } from "./storage.ts";
import type { CloudFrontIdentity } from "./cloudfront-identity.ts";
import type { AccessWarnings } from "./access-warnings.ts";

export interface S3Service {
  readonly storage: S3Storage;
  readonly clock: Clock;
  /** Region of buckets created without a LocationConstraint. */
  readonly defaultRegion: string;
  /** The one account that owns everything (emulator: derived from the account id). */
  readonly owner: Owner;
  /** The account id (bucket policies' aws:SourceAccount, principals). */
  readonly accountId: string;
  /**
   * `enforce`: requests without credentials, and CloudFront's (OAC/OAI), get only what the bucket
   * policy allows, as on S3. `warn` (the default): decided the same way, but a refused request is
   * served and `accessWarnings` says once what AWS would answer. `open`: everything is allowed
   * silently (LocalStack's behaviour).
   */
  readonly accessMode: "enforce" | "warn" | "open";
  /** Where `warn` records what it let through (access-warnings.ts). */
  readonly accessWarnings: AccessWarnings;
  /**
   * The distributions whose S3 origin is this bucket without OAC or OAI, so that a warning about
   * an anonymous origin request can name its distribution.
   */
  readonly unsignedDistributions: (bucket: string) => readonly string[];
  /** Verifies the edge's origin-request signatures and names the distribution or OAI. */
  readonly cloudFrontIdentity: CloudFrontIdentity;
}

export type S3Context = RequestContext<S3Service>;
