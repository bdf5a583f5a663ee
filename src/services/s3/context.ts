// What every S3 handler gets as `ctx.service`.
import type { Owner } from "@aws-sdk/client-s3";
import type { RequestContext } from "../../api/service.ts";
import type { Clock } from "../../clock.ts";
import type { S3Storage } from "./storage.ts";

export interface S3Service {
  readonly storage: S3Storage;
  readonly clock: Clock;
  /** Region of buckets created without a LocationConstraint. */
  readonly defaultRegion: string;
  /** The one account that owns everything (emulator: derived from the account id). */
  readonly owner: Owner;
}

export type S3Context = RequestContext<S3Service>;
