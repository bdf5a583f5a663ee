// The S3 enums of the SDK (`Event`, ...) without its client runtime: importing a value from
// "@aws-sdk/client-s3" runs the package's whole bundle (credential providers, HTTP handlers),
// a few hundred milliseconds on the first S3 request. Its ES-module build keeps the enums in a file
// of plain objects that imports nothing; types come from the package's own declarations
// (sdk-enums-module.d.ts). sdk-enums.test.ts checks that these are the values the package exports.
export { Event } from "@aws-sdk/client-s3/dist-es/models/enums.js";
