// At most 20 distributions may use one field-level encryption configuration (CloudFront Developer
// Guide "Quotas", field-level encryption: "Distributions that can be associated with a field-level
// encryption configuration: 20"); the 21st is TooManyDistributionsAssociatedToFieldLevelEncryptionConfig.
// The count comes from an index the state keeps in step with every distribution write (issue 12),
// so it must follow updates and deletes, and a distribution updated in place does not count twice.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import {
  CreateDistributionCommand,
  CreateFieldLevelEncryptionConfigCommand,
  CreateFieldLevelEncryptionProfileCommand,
  CreatePublicKeyCommand,
  DeleteDistributionCommand,
  UpdateDistributionCommand,
  type AllowedMethods,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_METHODS: AllowedMethods = { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } };
const TOO_MANY = "TooManyDistributionsAssociatedToFieldLevelEncryptionConfig";

describe("field-level encryption quota", () => {
  // Quiet: each distribution is https-only, and no HTTPS listener runs here (https-warnings.ts says so).
  const quiet = () => undefined;
  const t = useEmulator({ logger: { debug: quiet, info: quiet, warn: quiet, error: quiet } });

  it("lets 20 distributions use a configuration, refuses the 21st, and counts again after an update or a delete", async () => {
    const cf = t.cloudfront();
    const publicKeyPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    const key = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "quota-key", Name: "quota-key", EncodedKey: publicKeyPem } }));
    const profile = await cf.send(new CreateFieldLevelEncryptionProfileCommand({
      FieldLevelEncryptionProfileConfig: { Name: "quota", CallerReference: "quota-profile", EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: key.PublicKey?.Id, ProviderId: "DEMO", FieldPatterns: { Quantity: 1, Items: ["ssn"] } }] } },
    }));
    const fle = await cf.send(new CreateFieldLevelEncryptionConfigCommand({
      FieldLevelEncryptionConfig: {
        CallerReference: "quota-config",
        ContentTypeProfileConfig: { ForwardWhenContentTypeIsUnknown: true, ContentTypeProfiles: { Quantity: 1, Items: [{ ContentType: "application/x-www-form-urlencoded", Format: "URLEncoded", ProfileId: profile.FieldLevelEncryptionProfile?.Id }] } },
      },
    }));
    const fleId = fle.FieldLevelEncryption?.Id ?? assert.fail("no configuration");
    let refs = 0;
    const config = (fieldLevelEncryptionId: string): DistributionConfig => ({
      CallerReference: `quota-${++refs}`,
      Comment: "",
      Enabled: false,
      Origins: { Quantity: 1, Items: [{ Id: "app", DomainName: "app.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "https-only", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS, FieldLevelEncryptionId: fieldLevelEncryptionId },
    });

    const users = [];
    for (let i = 0; i < 20; i++) users.push(await cf.send(new CreateDistributionCommand({ DistributionConfig: config(fleId) })));
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: config(fleId) })), 400, TOO_MANY);
    const other = await cf.send(new CreateDistributionCommand({ DistributionConfig: config("") }));
    const otherWithFle = { ...config(fleId), CallerReference: other.Distribution?.DistributionConfig?.CallerReference };
    await expectServiceError(cf.send(new UpdateDistributionCommand({ Id: other.Distribution?.Id, IfMatch: other.ETag, DistributionConfig: otherWithFle })), 400, TOO_MANY);

    // One of the twenty may be updated and keep it: it is not counted against itself.
    const first = users[0] ?? assert.fail("no distribution");
    const kept = await cf.send(new UpdateDistributionCommand({ Id: first.Distribution?.Id, IfMatch: first.ETag, DistributionConfig: { ...first.Distribution?.DistributionConfig, Comment: "still" } as DistributionConfig }));
    // Dropping it there frees a place, which the other distribution takes; then a delete frees another.
    await cf.send(new UpdateDistributionCommand({ Id: first.Distribution?.Id, IfMatch: kept.ETag, DistributionConfig: { ...kept.Distribution?.DistributionConfig, DefaultCacheBehavior: { ...kept.Distribution?.DistributionConfig?.DefaultCacheBehavior, FieldLevelEncryptionId: "" } } as DistributionConfig }));
    const moved = await cf.send(new UpdateDistributionCommand({ Id: other.Distribution?.Id, IfMatch: other.ETag, DistributionConfig: otherWithFle }));
    assert.equal(moved.Distribution?.DistributionConfig?.DefaultCacheBehavior?.FieldLevelEncryptionId, fleId);
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: config(fleId) })), 400, TOO_MANY);
    const second = users[1] ?? assert.fail("no distribution");
    await cf.send(new DeleteDistributionCommand({ Id: second.Distribution?.Id, IfMatch: second.ETag }));
    await cf.send(new CreateDistributionCommand({ DistributionConfig: config(fleId) }));
  });
});
