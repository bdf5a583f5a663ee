// The CloudFront enums of the SDK (`PriceClass`, `ViewerProtocolPolicy`, ...) without its client
// runtime. The package's main entry is one bundle that also starts credential providers and HTTP
// handlers; its ES-module build keeps the enums in a file of plain objects that imports nothing.
// Types come from the package's own declarations (sdk-enums-module.d.ts); sdk-enums.test.ts checks that
// these are the very values the package exports.
export {
  GeoRestrictionType,
  HttpVersion,
  ItemSelection,
  MinimumProtocolVersion,
  OriginAccessControlOriginTypes,
  OriginAccessControlSigningBehaviors,
  OriginAccessControlSigningProtocols,
  OriginProtocolPolicy,
  PriceClass,
  SslProtocol,
  SSLSupportMethod,
  ViewerProtocolPolicy,
} from "@aws-sdk/client-cloudfront/dist-es/models/enums.js";
