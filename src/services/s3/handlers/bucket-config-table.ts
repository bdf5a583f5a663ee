// The bucket configuration operations (lifecycle, encryption, logging, replication, the id-keyed
// sets, S3 Metadata ...), as one table for index.ts's HANDLERS.
import * as bucketConfigs from "./bucket-configs.ts";
import * as configSets from "./bucket-config-sets.ts";
import * as lifecycle from "./lifecycle.ts";
import * as metadata from "./bucket-metadata.ts";

export const BUCKET_CONFIG_HANDLERS = {
  ...bucketConfigs.HANDLERS,
  ...configSets.HANDLERS,
  ...lifecycle.HANDLERS,
  ...metadata.HANDLERS,
};
