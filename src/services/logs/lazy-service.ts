// The `logs` service on the shared port (server/aws-services.ts). Its state is built at start-up
// (the edge's log delivery reads it from the first request on), but the API, with the CloudWatch
// Logs model, is loaded on the first `logs` request through `require`, which in Node 24 loads an
// ES module synchronously, as the Lambda platform does (services/lambda/lazy-platform.ts).
import { createRequire } from "node:module";
import type { ApiRequest, ApiService, Logger } from "../../api/service.ts";
import type { ProtocolResponse } from "../../api/protocol.ts";
import type { LogsService } from "./handlers/common.ts";

const require = createRequire(import.meta.url);

/** What server/aws-services.ts's registry takes (services do not import the server layer). */
export interface LazyLogsService {
  handle(req: ApiRequest): Promise<ProtocolResponse & { operation: string | undefined }>;
  reset(): void;
}

export function lazyLogsService(service: LogsService, log: Logger): LazyLogsService {
  let api: ApiService<LogsService> | undefined;
  return {
    // async: a failure to load becomes the request's rejection, as any other handler failure.
    handle: async (req) => (api ??= (require("./index.ts") as typeof import("./index.ts")).createLogsApi(log)).handle(req, service),
    reset: () => service.state.reload(),
  };
}
