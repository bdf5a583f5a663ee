// The ES-module build of the SDK's enums has no declarations beside it; they are the package's.
declare module "@aws-sdk/client-cloudfront/dist-es/models/enums.js" {
  export * from "@aws-sdk/client-cloudfront/dist-types/models/enums.js";
}
