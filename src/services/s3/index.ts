// The embedded S3: the model from @aws-sdk/client-s3 plus the handler table. Every operation in
// the model is routed; the ones not in HANDLERS answer NotImplemented (501, S3's own code for an
// unsupported feature) naming the operation, and show as unsupported in the README.
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import { sdkSchemas } from "../../api/model-cache.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger, type ServiceProfile } from "../../api/service.ts";
import { ServiceError } from "../../api/errors.ts";
import { createS3Router } from "./router.ts";
import { s3InternalError, serializeS3Error } from "./errors.ts";
import { authorizeS3 } from "./access.ts";
import { withS3Cors } from "./cors.ts";
import type { S3Service } from "./context.ts";
import * as buckets from "./handlers/buckets.ts";
import { OBJECT_HANDLERS } from "./handlers/object-handlers.ts";
import { BUCKET_CONFIG_HANDLERS } from "./handlers/bucket-config-table.ts";
import { HANDLERS as ACL_HANDLERS } from "./handlers/acl.ts";
import { HANDLERS as ACCESS_SETTINGS_HANDLERS } from "./handlers/access-settings.ts";

export const S3_XML_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

let model: ServiceModel | undefined;

export function s3Model(): ServiceModel {
  model ??= loadServiceModel("s3", S3_XML_NAMESPACE, sdkSchemas("@aws-sdk/client-s3"), "application/xml");
  return model;
}

export const HANDLERS: HandlerTable<S3Service> = {
  CreateBucket: buckets.CreateBucket,
  HeadBucket: buckets.HeadBucket,
  ListBuckets: buckets.ListBuckets,
  DeleteBucket: buckets.DeleteBucket,
  GetBucketLocation: buckets.GetBucketLocation,
  PutBucketPolicy: buckets.PutBucketPolicy,
  GetBucketPolicy: buckets.GetBucketPolicy,
  DeleteBucketPolicy: buckets.DeleteBucketPolicy,
  PutBucketWebsite: buckets.PutBucketWebsite,
  GetBucketWebsite: buckets.GetBucketWebsite,
  DeleteBucketWebsite: buckets.DeleteBucketWebsite,
  PutBucketCors: buckets.PutBucketCors,
  GetBucketCors: buckets.GetBucketCors,
  DeleteBucketCors: buckets.DeleteBucketCors,
  PutBucketTagging: buckets.PutBucketTagging,
  GetBucketTagging: buckets.GetBucketTagging,
  DeleteBucketTagging: buckets.DeleteBucketTagging,
  ...OBJECT_HANDLERS,
  ...BUCKET_CONFIG_HANDLERS,
  ...ACL_HANDLERS,
  ...ACCESS_SETTINGS_HANDLERS,
};

/** Largest non-streaming S3 body (XML configurations, DeleteObjects, policies). */
export const MAX_S3_XML_BODY = 4 * 1024 * 1024;

export function s3Profile(): ServiceProfile<S3Service> {
  const m = s3Model();
  const router = createS3Router(m);
  return {
    route: (req) => router.match(req.method, req.headers.host ?? "", req.path, req.query, req.headers),
    serializeError: (err, req) => serializeS3Error(m, err, req.requestId),
    internalError: s3InternalError,
    requestIdHeaders: (id) => ({ "x-amz-request-id": id, "x-amz-id-2": id }),
    maxBodyBytes: MAX_S3_XML_BODY,
    tooLarge: () => new ServiceError("MaxMessageLengthExceeded", "Your request was too big."),
    noRoute: (req) => new ServiceError("MethodNotAllowed", `The specified method is not allowed against this resource: ${req.method} ${req.path}`),
    unsupported: (op) => new ServiceError("NotImplemented", `minifront does not support the S3 ${op} operation yet.`),
    // Bucket policies for anonymous and CloudFront (OAC/OAI) callers, unless --s3-access open (access.ts).
    authorize: authorizeS3,
  };
}

export function createS3Api(log: Logger): ApiService<S3Service> {
  // CORS preflights and response headers from the bucket's CORS rules (cors.ts).
  return withS3Cors(createApiService(s3Model(), HANDLERS, s3Profile(), log));
}
