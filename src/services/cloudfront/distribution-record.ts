// A distribution as the CloudFront state stores it (state.ts), in a module of its own so that
// modules state.ts uses (tenant-serving.ts) can name it without importing state.ts.
import type { DistributionConfig, Tag } from "@aws-sdk/client-cloudfront";

/** A distribution as stored. Times are epoch milliseconds. */
export interface DistributionRecord {
  readonly Id: string;
  readonly ARN: string;
  readonly DomainName: string;
  readonly ETag: string;
  readonly createdAt: number;
  readonly lastModified: number;
  /** When the last change finishes deploying: Status is InProgress until then. */
  readonly deployAt: number;
  readonly config: DistributionConfig;
  readonly tags: readonly Tag[];
}
