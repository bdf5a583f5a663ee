// Stored CloudFront key groups: named lists of public key ids that cache behaviors trust
// (TrustedKeyGroups, docs/signed-urls.md §1).
import type { KeyGroupConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface KeyGroupRecord {
  /** A lower-case UUID (docs/control-plane.md §6). */
  readonly Id: string;
  readonly ETag: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly config: KeyGroupConfig;
}

export class KeyGroupStore extends ResourceStore<KeyGroupRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/key-group", version);
  }

  /** Ids of every key group, for distribution validation. */
  ids(): ReadonlySet<string> {
    return new Set(this.list().map((g) => g.Id));
  }

  /** Whether any key group lists this public key. */
  usesPublicKey(publicKeyId: string): boolean {
    return this.find((g) => (g.config.Items ?? []).includes(publicKeyId)) !== undefined;
  }
}
