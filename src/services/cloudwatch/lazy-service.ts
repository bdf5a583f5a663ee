// The `monitoring` service on the shared port (server/aws-services.ts), loaded on its first request
// through `require` (which in Node 24 loads an ES module synchronously), so that start-up does not
// read the CloudWatch model, as the Lambda platform does (services/lambda/lazy-platform.ts).
import { createRequire } from "node:module";
import type { Logger } from "../../api/service.ts";
import type { CloudWatchContext, CloudWatchService } from "./index.ts";

const require = createRequire(import.meta.url);

export function lazyCloudWatchService(context: CloudWatchContext, log: Logger): CloudWatchService {
  let service: CloudWatchService | undefined;
  return {
    // async: a failure to load becomes the request's rejection, as any other handler failure.
    handle: async (req) => (service ??= (require("./index.ts") as typeof import("./index.ts")).createCloudWatchService(context, log)).handle(req),
  };
}
