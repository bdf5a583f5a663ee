// A DistributionConfig's viewer mTLS configuration and connection function association (issue 17;
// CloudFront API reference "ViewerMtlsConfig", "TrustStoreConfig", "ConnectionFunctionAssociation";
// Developer Guide "Mutual TLS authentication with CloudFront (Viewer mTLS)", "Associate CloudFront
// Connection Functions": "Only LIVE stage functions can be associated with distributions").
// - Mode required or optional needs a TrustStoreConfig naming a trust store of the account; an
//   unknown one is EntityNotFound (CreateDistribution's not-found error for newer resources).
// - Mode passthrough (in the SDK's enum, not in the API reference's valid values) is accepted and
//   stored; the HTTPS listener does not verify certificates for it.
// - ConnectionFunctionAssociation.Id names a connection function (id or ARN) with a LIVE stage.
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { CloudFrontState } from "./state.ts";

const MODES = ["required", "optional", "passthrough"];

export function validateViewerMtls(config: DistributionConfig, state: CloudFrontState): void {
  const mtls = config.ViewerMtlsConfig;
  if (mtls) {
    const mode = mtls.Mode ?? "required";
    if (!MODES.includes(mode)) fail("InvalidArgument", `ViewerMtlsConfig.Mode must be required or optional, not ${mode}.`);
    const id = mtls.TrustStoreConfig?.TrustStoreId;
    if (mode !== "passthrough" && !id) fail("InvalidArgument", `ViewerMtlsConfig with Mode ${mode} needs a TrustStoreConfig with a TrustStoreId.`);
    if (id && !state.trustStores.has(id)) fail("EntityNotFound", `The trust store ${id} was not found.`);
  }
  const fnId = config.ConnectionFunctionAssociation?.Id;
  if (fnId !== undefined) {
    const fn = state.connectionFunctions.byIdentifier(fnId) ?? fail("EntityNotFound", `The connection function ${fnId} was not found.`);
    if (!fn.live) fail("InvalidArgument", `The connection function ${fnId} is not published: only its LIVE stage can be associated with a distribution.`);
  }
}
