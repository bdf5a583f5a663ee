// The STS API subset (awsQuery, 2011-06-15): GetCallerIdentity, which Terraform's AWS provider
// and the aws CLI call to learn the account. Requests reach it when their SigV4 credential scope
// names `sts` (server/classify.ts). The caller is always the account's root user, whatever the
// access key. Every other STS action (AssumeRole …) answers the unsupported error.
import * as stsSdk from "@aws-sdk/client-sts";
import type { GetCallerIdentityResponse } from "@aws-sdk/client-sts";
import { ServiceError } from "../../api/errors.ts";
import type { ApiService, HandlerTable, Logger, RequestContext } from "../../api/service.ts";
import { createQueryService, loadQueryModel } from "../../api/aws-query.ts";

/** What STS answers from: the one account minifront emulates. */
export interface StsContext {
  readonly accountId: string;
}

export function GetCallerIdentity(_input: unknown, ctx: RequestContext<StsContext>): GetCallerIdentityResponse {
  const account = ctx.service.accountId;
  return { UserId: account, Account: account, Arn: `arn:aws:iam::${account}:root` };
}

const HANDLERS: HandlerTable<StsContext> = { GetCallerIdentity };

export function createStsApi(log: Logger): ApiService<StsContext> {
  const model = loadQueryModel("sts", "https://sts.amazonaws.com/doc/2011-06-15/", "2011-06-15", stsSdk as unknown as Record<string, unknown>);
  return createQueryService(
    model,
    HANDLERS,
    {
      maxBodyBytes: 64 * 1024,
      invalidInput: (message) => new ServiceError("ValidationError", message, 400),
      unknownAction: (action) => new ServiceError("InvalidAction", `Could not find operation ${action} for version 2011-06-15`, 400),
      unsupported: (op) => new ServiceError("InvalidAction", `minifront does not support the STS ${op} action yet.`, 400),
      internalError: (id) => new ServiceError("InternalFailure", `The request processing has failed because of an unknown error (request ${id}).`, 500),
    },
    log,
  );
}
