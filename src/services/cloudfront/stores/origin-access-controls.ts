// Stored origin access controls (OAC, docs/edge.md §7.5).
import type { OriginAccessControlConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface OriginAccessControlRecord {
  /** `E` + 13 upper-case alphanumerics (docs/control-plane.md §6). */
  readonly Id: string;
  readonly ETag: string;
  readonly config: OriginAccessControlConfig;
}

export class OriginAccessControlStore extends ResourceStore<OriginAccessControlRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/origin-access-control", version);
  }
}
