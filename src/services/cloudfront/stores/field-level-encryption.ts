// Stored field-level encryption configurations and profiles (CloudFront Developer Guide "Using
// field-level encryption to help protect sensitive data"). A profile names public keys and the form
// fields each encrypts; a configuration picks a profile by content type or by the `fle-profile`
// query argument; a cache behavior names a configuration by FieldLevelEncryptionId.
import type { FieldLevelEncryptionConfig, FieldLevelEncryptionProfileConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface FieldLevelEncryptionConfigRecord {
  /** `C` + 13 upper-case alphanumerics (docs/control-plane.md §6, unverified length). */
  readonly Id: string;
  readonly ETag: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly config: FieldLevelEncryptionConfig;
}

export interface FieldLevelEncryptionProfileRecord {
  /** `P` + 13 upper-case alphanumerics (docs/control-plane.md §6, unverified length). */
  readonly Id: string;
  readonly ETag: string;
  readonly lastModified: number;
  readonly config: FieldLevelEncryptionProfileConfig;
}

export class FieldLevelEncryptionConfigStore extends ResourceStore<FieldLevelEncryptionConfigRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/field-level-encryption-config", version);
  }

  /** Whether a configuration maps a content type or query argument to the profile. */
  usesProfile(profileId: string): boolean {
    return this.find((c) => profileIds(c.config).includes(profileId)) !== undefined;
  }
}

export class FieldLevelEncryptionProfileStore extends ResourceStore<FieldLevelEncryptionProfileRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/field-level-encryption-profile", version);
  }

  /** Whether a profile encrypts with the public key. */
  usesPublicKey(publicKeyId: string): boolean {
    return this.find((p) => (p.config.EncryptionEntities?.Items ?? []).some((e) => e.PublicKeyId === publicKeyId)) !== undefined;
  }
}

/** Every profile id a configuration names, by content type or by query argument. */
export function profileIds(config: FieldLevelEncryptionConfig): string[] {
  const byType = (config.ContentTypeProfileConfig?.ContentTypeProfiles?.Items ?? []).map((p) => p.ProfileId ?? "");
  const byArg = (config.QueryArgProfileConfig?.QueryArgProfiles?.Items ?? []).map((p) => p.ProfileId ?? "");
  return [...byType, ...byArg].filter((id) => id !== "");
}
