// S3 errors: the bare `<Error>` document (unlike CloudFront's `<ErrorResponse>`), and the HTTP
// status of the many S3 error codes that the S3 model does not declare. Statuses and codes follow
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList.
import type { ServiceModel } from "../../api/model.ts";
import { escapeXml, type ProtocolResponse } from "../../api/rest-xml.ts";
import { ServiceError } from "../../api/errors.ts";

const S3_STATUS: Readonly<Record<string, number>> = {
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidTag: 400,
  InvalidPartNumber: 416,
  KeyTooLongError: 400,
  MalformedPolicy: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucketPolicy: 404,
  NoSuchCORSConfiguration: 404,
  NoSuchTagSet: 404,
  NoSuchWebsiteConfiguration: 404,
  NotImplemented: 501,
  NotModified: 304,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
};

export function s3Status(model: ServiceModel, err: ServiceError): number {
  return model.errors.get(err.code)?.status ?? S3_STATUS[err.code] ?? err.statusOverride ?? 400;
}

/** `<Error><Code/><Message/>…details…<RequestId/></Error>`; a 304 has no body at all. */
export function serializeS3Error(model: ServiceModel, err: ServiceError, requestId: string): ProtocolResponse {
  const status = s3Status(model, err);
  if (status === 304) return { status, headers: { ...err.headers }, body: "" };
  const details = Object.entries(err.details)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
    `${details}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
  return { status, headers: { "Content-Type": "application/xml", ...err.headers }, body };
}

/**
 * What S3 answers when it fails on its side: InternalError, 500, "We encountered an internal
 * error. Please try again." (S3 API reference "Error responses"). Not ServiceUnavailable (503): that is S3's
 * answer to too many requests, and a full disk is not solved by slowing down. `reason` names a
 * failing disk under the data directory (api/service.ts).
 */
export function s3InternalError(_requestId: string, reason?: string): ServiceError {
  // The request id is in the document's <RequestId> already.
  const why = reason ? ` (minifront could not store the data: ${reason})` : "";
  return new ServiceError("InternalError", `We encountered an internal error${why}. Please try again.`);
}

/** Throws an S3 error with its detail elements (BucketName, Key, ...). */
export function s3fail(code: string, message: string, details: Record<string, string> = {}, headers: Record<string, string> = {}): never {
  throw new ServiceError(code, message, undefined, { details, headers });
}
