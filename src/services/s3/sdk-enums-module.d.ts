// The ES-module build of the SDK's enums has no declarations beside it; they are the package's.
declare module "@aws-sdk/client-s3/dist-es/models/enums.js" {
  export * from "@aws-sdk/client-s3/dist-types/models/enums.js";
}
