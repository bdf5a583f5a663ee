// What every S3 handler gets as `ctx.service`.
import type { Owner } from "@aws-sdk/client-s3";
import type { RequestContext } from "../../api/service.ts";
import type { Clock } from "../../clock.ts";
import type { S3Storage } from "./storage.ts";
import type { CloudFrontIdentity } from "./cloudfront-identity.ts";

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
   * policy allows, as on S3. `open`: everything is allowed (LocalStack's behaviour).
   */
  readonly accessMode: "enforce" | "open";
  /** Verifies the edge's origin-request signatures and names the distribution or OAI. */
  readonly cloudFrontIdentity: CloudFrontIdentity;
}

export type S3Context = RequestContext<S3Service>;
