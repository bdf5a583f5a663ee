// Start-up does not load Lambda, IAM or STS (three more SDK client models): this stand-in builds
// the platform (platform.ts) on the first request for any of them, through `require`, which in
// Node 24 loads an ES module synchronously, as src/index.ts does for the embedded S3.
import { createRequire } from "node:module";
import type { LambdaPlatform, LambdaPlatformDeps } from "./platform.ts";
import { CODE_DOWNLOAD_PATH } from "./names.ts";

const require = createRequire(import.meta.url);

export function lazyLambdaPlatform(deps: LambdaPlatformDeps): LambdaPlatform {
  let built: LambdaPlatform | undefined;
  const get = () => (built ??= (require("./platform.ts") as typeof import("./platform.ts")).createLambdaPlatform(deps));
  return {
    // async: a failure to load becomes the request's rejection, as any other handler failure.
    handle: async (service, req) => get().handle(service, req),
    download: (method, path) => (path.startsWith(CODE_DOWNLOAD_PATH) ? get().download(method, path) : undefined),
    reset: () => built?.reset(),
    lambdaState: () => get().lambdaState(),
    runtime: () => get().runtime(),
    edgeFacts: (arn) => get().edgeFacts(arn),
    edgeCode: (arn) => get().edgeCode(arn),
    edgeRemote: async (arn, eventJson, options) => get().edgeRemote(arn, eventJson, options),
    dispose: () => built?.dispose(),
  };
}
