// The embedded S3: the model from @aws-sdk/client-s3 plus the handler table. Every operation in
// the model is routed; the ones not in HANDLERS answer NotImplemented (501, S3's own code for an
// unsupported feature) naming the operation, and show as unsupported in the README.
import * as s3Sdk from "@aws-sdk/client-s3";
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger, type ServiceProfile } from "../../api/service.ts";
import { ServiceError } from "../../api/errors.ts";
import { createS3Router } from "./router.ts";
import { s3InternalError, serializeS3Error } from "./errors.ts";
import { authorizeS3 } from "./access.ts";
import type { S3Service } from "./context.ts";
import * as buckets from "./handlers/buckets.ts";
import * as objects from "./handlers/objects.ts";
import * as multipart from "./handlers/multipart.ts";

export const S3_XML_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

let model: ServiceModel | undefined;

export function s3Model(): ServiceModel {
  model ??= loadServiceModel("s3", S3_XML_NAMESPACE, s3Sdk as unknown as Record<string, unknown>, "application/xml");
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
  PutObject: objects.PutObject,
  GetObject: objects.GetObject,
  HeadObject: objects.HeadObject,
  DeleteObject: objects.DeleteObject,
  DeleteObjects: objects.DeleteObjects,
  CopyObject: objects.CopyObject,
  ListObjects: objects.ListObjects,
  ListObjectsV2: objects.ListObjectsV2,
  CreateMultipartUpload: multipart.CreateMultipartUpload,
  UploadPart: multipart.UploadPart,
  UploadPartCopy: multipart.UploadPartCopy,
  CompleteMultipartUpload: multipart.CompleteMultipartUpload,
  AbortMultipartUpload: multipart.AbortMultipartUpload,
  ListParts: multipart.ListParts,
  ListMultipartUploads: multipart.ListMultipartUploads,
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
  return createApiService(s3Model(), HANDLERS, s3Profile(), log);
}
