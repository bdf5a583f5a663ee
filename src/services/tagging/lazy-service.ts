// The `tagging` service on the shared port (server/aws-services.ts), with its model loaded on the
// first `tagging` request through `require` (Node 24 loads an ES module synchronously), as the
// Lambda platform and CloudWatch Logs are (services/lambda/lazy-platform.ts).
import { createRequire } from "node:module";
import type { ApiRequest, ApiService, Logger } from "../../api/service.ts";
import type { ProtocolResponse } from "../../api/protocol.ts";
import type { TaggingService } from "./handlers.ts";

const require = createRequire(import.meta.url);

/** What server/aws-services.ts's registry takes (services do not import the server layer). */
export interface LazyTaggingService {
  handle(req: ApiRequest): Promise<ProtocolResponse & { operation: string | undefined }>;
}

export function lazyTaggingService(service: TaggingService, log: Logger): LazyTaggingService {
  let api: ApiService<TaggingService> | undefined;
  return {
    // async: a failure to load becomes the request's rejection, as any other handler failure.
    handle: async (req) => (api ??= (require("./index.ts") as typeof import("./index.ts")).createTaggingApi(log)).handle(req, service),
  };
}
