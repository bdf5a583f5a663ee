// Stored connection functions (CloudFront Developer Guide "Associate CloudFront Connection
// Functions"): like CloudFront Functions, a DEVELOPMENT stage and, once published, a LIVE stage,
// each with its own ETag. Keyed by an id (the API addresses them by Id or Identifier, not by name).
import type { FunctionConfig, Tag } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";
import type { FunctionToRun } from "../../../functions/types.ts";

export type ConnectionFunctionStage = "DEVELOPMENT" | "LIVE";

/** One stage: `code` is base64 (the bytes as uploaded). Times are epoch ms. */
export interface ConnectionFunctionStageRecord {
  readonly ETag: string;
  readonly config: FunctionConfig;
  readonly code: string;
  readonly lastModified: number;
}

export interface ConnectionFunctionRecord {
  readonly Id: string;
  readonly Name: string;
  /** `arn:aws:cloudfront::<account>:connection-function/<Id>` (the resource type unverified). */
  readonly Arn: string;
  readonly createdAt: number;
  readonly development: ConnectionFunctionStageRecord;
  readonly live?: ConnectionFunctionStageRecord;
  readonly tags: readonly Tag[];
}

export class ConnectionFunctionStore extends ResourceStore<ConnectionFunctionRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/connection-function", version);
  }

  /** By id, ARN or name (the Identifier of Describe/Get). */
  byIdentifier(identifier: string | undefined): ConnectionFunctionRecord | undefined {
    if (identifier === undefined) return undefined;
    return this.get(identifier) ?? this.find((f) => f.Arn === identifier || f.Name === identifier);
  }

  /** The LIVE code of the function a distribution associates (by id or ARN), ready for the sandbox. */
  live(identifier: string | undefined): FunctionToRun | undefined {
    const rec = this.byIdentifier(identifier);
    return rec?.live ? runnable(rec, "LIVE", rec.live) : undefined;
  }
}

/** A stage's code for the function runtime; the key changes with the stage's ETag. */
export function runnable(rec: ConnectionFunctionRecord, stage: ConnectionFunctionStage, s: ConnectionFunctionStageRecord): FunctionToRun {
  return {
    key: `${rec.Arn}:${stage}#${s.ETag}`,
    code: Buffer.from(s.code, "base64").toString("utf8"),
    runtime: "cloudfront-js-2.0",
    kvsArns: (s.config.KeyValueStoreAssociations?.Items ?? []).map((a) => a.KeyValueStoreARN as string),
  };
}
