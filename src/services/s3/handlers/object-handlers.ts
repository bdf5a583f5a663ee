// The object-level operations of the embedded S3, one table for index.ts's HANDLERS: objects,
// listings, deletes, multipart uploads, versioning, tagging, Object Lock, attributes and the rest.
// Left out on purpose (they answer NotImplemented): SelectObjectContent (S3 Select, closed to new
// customers, with its own SQL dialect and event stream) and WriteGetObjectResponse (answers a
// request S3 Object Lambda made, and there is no Object Lambda here; the model gives it a path of
// its own on another host).
import type { HandlerTable } from "../../../api/service.ts";
import type { S3Service } from "../context.ts";
import * as objects from "./objects.ts";
import * as listing from "./list-objects.ts";
import * as deletes from "./delete-objects.ts";
import * as multipart from "./multipart.ts";
import * as versioning from "./versioning.ts";
import * as tagging from "./object-tagging.ts";
import * as lock from "./object-lock.ts";
import { GetObjectAttributes } from "./object-attributes.ts";
import { RestoreObject } from "./object-archive.ts";
import { GetObjectTorrent } from "./object-torrent.ts";
import { UpdateObjectEncryption } from "./object-encryption.ts";
import * as express from "./express-operations.ts";
import * as annotations from "./object-annotations.ts";
import { PutObjectOrForm } from "../post-upload.ts";

export const OBJECT_HANDLERS: HandlerTable<S3Service> = {
  PutObject: PutObjectOrForm,
  GetObject: objects.GetObject,
  HeadObject: objects.HeadObject,
  CopyObject: objects.CopyObject,
  DeleteObject: deletes.DeleteObject,
  DeleteObjects: deletes.DeleteObjects,
  ListObjects: listing.ListObjects,
  ListObjectsV2: listing.ListObjectsV2,
  ListObjectVersions: listing.ListObjectVersions,
  CreateMultipartUpload: multipart.CreateMultipartUpload,
  UploadPart: multipart.UploadPart,
  UploadPartCopy: multipart.UploadPartCopy,
  CompleteMultipartUpload: multipart.CompleteMultipartUpload,
  AbortMultipartUpload: multipart.AbortMultipartUpload,
  ListParts: multipart.ListParts,
  ListMultipartUploads: multipart.ListMultipartUploads,
  PutBucketVersioning: versioning.PutBucketVersioning,
  GetBucketVersioning: versioning.GetBucketVersioning,
  PutObjectTagging: tagging.PutObjectTagging,
  GetObjectTagging: tagging.GetObjectTagging,
  DeleteObjectTagging: tagging.DeleteObjectTagging,
  PutObjectLockConfiguration: lock.PutObjectLockConfiguration,
  GetObjectLockConfiguration: lock.GetObjectLockConfiguration,
  PutObjectRetention: lock.PutObjectRetention,
  GetObjectRetention: lock.GetObjectRetention,
  PutObjectLegalHold: lock.PutObjectLegalHold,
  GetObjectLegalHold: lock.GetObjectLegalHold,
  GetObjectAttributes,
  RestoreObject,
  GetObjectTorrent,
  UpdateObjectEncryption,
  CreateSession: express.CreateSession,
  ListDirectoryBuckets: express.ListDirectoryBuckets,
  RenameObject: express.RenameObject,
  PutObjectAnnotation: annotations.PutObjectAnnotation,
  GetObjectAnnotation: annotations.GetObjectAnnotation,
  DeleteObjectAnnotation: annotations.DeleteObjectAnnotation,
  ListObjectAnnotations: annotations.ListObjectAnnotations,
};
