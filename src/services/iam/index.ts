// The IAM API subset for Lambda execution roles (awsQuery, 2010-05-08): the model from
// @aws-sdk/client-iam plus the handler table. Requests reach it on the shared port when their
// SigV4 credential scope names `iam` (server/classify.ts). Signatures are not verified; there is
// one account and no policy evaluation. Every other IAM action answers the unsupported error.
import * as iamSdk from "@aws-sdk/client-iam";
import { ServiceError } from "../../api/errors.ts";
import type { ApiService, HandlerTable, Logger } from "../../api/service.ts";
import { createQueryService, loadQueryModel, type QueryServiceModel } from "../../api/aws-query.ts";
import type { IamState } from "./state.ts";
import { messages } from "./messages.ts";
import * as roles from "./handlers/roles.ts";
import * as policies from "./handlers/policies.ts";

let model: QueryServiceModel | undefined;

export function iamModel(): QueryServiceModel {
  model ??= loadQueryModel("iam", "https://iam.amazonaws.com/doc/2010-05-08/", "2010-05-08", iamSdk as unknown as Record<string, unknown>);
  return model;
}

export const HANDLERS: HandlerTable<IamState> = {
  CreateRole: roles.CreateRole,
  GetRole: roles.GetRole,
  UpdateRole: roles.UpdateRole,
  UpdateAssumeRolePolicy: roles.UpdateAssumeRolePolicy,
  DeleteRole: roles.DeleteRole,
  TagRole: roles.TagRole,
  UntagRole: roles.UntagRole,
  ListRoleTags: roles.ListRoleTags,
  ListInstanceProfilesForRole: roles.ListInstanceProfilesForRole,
  PutRolePolicy: policies.PutRolePolicy,
  GetRolePolicy: policies.GetRolePolicy,
  ListRolePolicies: policies.ListRolePolicies,
  DeleteRolePolicy: policies.DeleteRolePolicy,
  AttachRolePolicy: policies.AttachRolePolicy,
  DetachRolePolicy: policies.DetachRolePolicy,
  ListAttachedRolePolicies: policies.ListAttachedRolePolicies,
  CreatePolicy: policies.CreatePolicy,
  GetPolicy: policies.GetPolicy,
  GetPolicyVersion: policies.GetPolicyVersion,
  DeletePolicy: policies.DeletePolicy,
};

/** IAM takes form posts of policy documents: 1 MB is far above its own document limits. */
const MAX_IAM_BODY = 1024 * 1024;

export function createIamApi(log: Logger): ApiService<IamState> {
  return createQueryService(
    iamModel(),
    HANDLERS,
    {
      maxBodyBytes: MAX_IAM_BODY,
      invalidInput: (message) => new ServiceError("ValidationError", message, 400),
      unknownAction: (action) => new ServiceError("InvalidAction", messages.unknownAction(action), 400),
      unsupported: (op) => new ServiceError("InvalidAction", messages.unsupported(op), 400),
      internalError: (id) => new ServiceError("ServiceFailure", `The request processing has failed because of an unknown error (request ${id}).`),
    },
    log,
  );
}
