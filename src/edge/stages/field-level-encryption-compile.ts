// A cache behavior's field-level encryption configuration as the edge uses it, worked out when the
// distribution compiles (compile.ts): its content type and query argument mappings with their
// profiles, each profile's field patterns with the public key (PEM and name) and provider id they
// encrypt with. What the edge does with it is in field-level-encryption.ts.
import type { FieldLevelEncryptionConfig, FieldLevelEncryptionProfileConfig, PublicKeyConfig } from "@aws-sdk/client-cloudfront";
import type { WrappingKey } from "./field-level-encryption-message.ts";

export interface CompiledEncryptionProfile {
  readonly id: string;
  readonly entities: ReadonlyArray<{ readonly patterns: readonly string[]; readonly key: WrappingKey }>;
}

/** A behavior's field-level encryption configuration, with its profiles resolved (compile time). */
export interface CompiledFieldLevelEncryption {
  /** Lower-cased content type → its profile, or null when the type is listed without one. */
  readonly contentTypes: ReadonlyMap<string, CompiledEncryptionProfile | null>;
  readonly forwardUnknownContentType: boolean;
  /** `fle-profile` value → profile; undefined when the configuration maps no query arguments. */
  readonly queryArgs: ReadonlyMap<string, CompiledEncryptionProfile> | undefined;
  readonly forwardUnknownQueryArg: boolean;
}

/** Field-level encryption configurations, profiles and public keys by id (the edge's view of the state). */
export interface FieldLevelEncryptionLookup {
  fieldLevelEncryptionConfig?(id: string): FieldLevelEncryptionConfig | undefined;
  fieldLevelEncryptionProfile?(id: string): FieldLevelEncryptionProfileConfig | undefined;
  publicKey?(id: string): PublicKeyConfig | undefined;
}

/** A behavior's FieldLevelEncryptionId with its profiles and keys resolved; undefined when it names nothing known. */
export function compileFieldLevelEncryption(id: string, lookup: FieldLevelEncryptionLookup): CompiledFieldLevelEncryption | undefined {
  const config = lookup.fieldLevelEncryptionConfig?.(id);
  if (!config) return undefined;
  const profiles = new Map<string, CompiledEncryptionProfile>();
  const profile = (profileId: string | undefined): CompiledEncryptionProfile | undefined => {
    if (!profileId) return undefined;
    let p = profiles.get(profileId);
    const c = p ? undefined : lookup.fieldLevelEncryptionProfile?.(profileId);
    if (c) {
      const entities = (c.EncryptionEntities?.Items ?? []).flatMap((e) => {
        const key = lookup.publicKey?.(e.PublicKeyId ?? "");
        return key ? [{ patterns: e.FieldPatterns?.Items ?? [], key: { providerId: e.ProviderId ?? "", keyName: key.Name ?? "", publicKeyPem: key.EncodedKey ?? "" } }] : [];
      });
      p = { id: profileId, entities };
      profiles.set(profileId, p);
    }
    return p;
  };
  const types = config.ContentTypeProfileConfig;
  const args = config.QueryArgProfileConfig;
  return {
    contentTypes: new Map((types?.ContentTypeProfiles?.Items ?? []).map((t) => [(t.ContentType ?? "").toLowerCase(), profile(t.ProfileId) ?? null])),
    // Without a content type mapping there is nothing to refuse by: such requests go on.
    forwardUnknownContentType: types ? types.ForwardWhenContentTypeIsUnknown === true : true,
    queryArgs: args ? new Map((args.QueryArgProfiles?.Items ?? []).flatMap((a) => { const p = profile(a.ProfileId); return p ? [[a.QueryArg ?? "", p] as const] : []; })) : undefined,
    forwardUnknownQueryArg: args?.ForwardWhenQueryArgProfileIsUnknown === true,
  };
}
