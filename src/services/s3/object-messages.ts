// Error messages of the object-level features (versioning, Object Lock, tagging, attributes), worded
// as S3 words them (S3 API reference "Error responses" and the API reference page of each operation).
export const objectMessages = {
  noSuchVersion: "The specified version does not exist.",
  invalidVersionId: "Invalid version id specified",
  objectLockVersioning: "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
  mfaRequired: "Mfa Authentication must be used for this request",
  lockedVersion: "Access Denied because object protected by object lock.",
  missingLockConfiguration: "Bucket is missing Object Lock Configuration",
  noLockConfiguration: "Object Lock configuration does not exist for this bucket",
  lockNeedsVersioning: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
  noSuchObjectLockConfiguration: "The specified object does not have a ObjectLock configuration",
  retentionInPast: "The retain until date must be in the future!",
  tooManyTags: "Object tags cannot be greater than 10",
  duplicateTagKeys: "Cannot provide multiple Tags with the same key",
  tagKeyTooLong: "The TagKey you have provided is too long, max 128",
  tagValueTooLong: "The TagValue you have provided is too long, max 256",
  invalidTagKey: "The TagKey you have provided is invalid",
  deleteMarkerMethod: "The specified method is not allowed against this resource.",
  attributesRequired: "Object attributes must be specified",
};
