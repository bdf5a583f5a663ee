// The `cloudfront-keyvaluestore` data API (2022-07-26, restJson1): DescribeKeyValueStore, GetKey,
// ListKeys, PutKey, DeleteKey, UpdateKeys (docs/functions.md §6.2; API_kvs_*.html). Stores are
// addressed by ARN; every write names the current data ETag in If-Match and answers the new one.
// The state, limits and errors live in services/cloudfront/key-value-stores.ts, shared with the
// control plane and read by CloudFront Functions.
import type {
  DeleteKeyRequest,
  DeleteKeyResponse,
  DescribeKeyValueStoreRequest,
  DescribeKeyValueStoreResponse,
  GetKeyRequest,
  GetKeyResponse,
  ListKeysRequest,
  ListKeysResponse,
  PutKeyRequest,
  PutKeyResponse,
  UpdateKeysRequest,
  UpdateKeysResponse,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { fail } from "../../api/errors.ts";
import type { RequestContext } from "../../api/service.ts";
import type { KeyValueStores } from "../cloudfront/key-value-stores.ts";
import { messages } from "../cloudfront/messages.ts";

type Ctx = RequestContext<KeyValueStores>;

/** Model: KvsARN length 1–2,048. */
const MAX_ARN_CHARS = 2048;

function arnOf(arn: string | undefined): string {
  const value = arn ?? "";
  if (value.length < 1 || value.length > MAX_ARN_CHARS) fail("ValidationException", messages.kvsBadArn(value));
  return value;
}

export function DescribeKeyValueStore({ KvsARN }: DescribeKeyValueStoreRequest, ctx: Ctx): DescribeKeyValueStoreResponse {
  const rec = ctx.service.mustFindByArn(arnOf(KvsARN));
  return {
    ...ctx.service.stats(rec),
    KvsARN: rec.ARN,
    Created: new Date(rec.created),
    ETag: rec.dataETag,
    LastModified: new Date(rec.dataLastModified),
    Status: rec.Status,
    ...(rec.FailureReason !== undefined ? { FailureReason: rec.FailureReason } : {}),
  };
}

export function GetKey({ KvsARN, Key }: GetKeyRequest, ctx: Ctx): GetKeyResponse {
  return ctx.service.getKey(arnOf(KvsARN), Key ?? "");
}

export function ListKeys({ KvsARN, NextToken, MaxResults }: ListKeysRequest, ctx: Ctx): ListKeysResponse {
  const page = ctx.service.listKeys(arnOf(KvsARN), NextToken, MaxResults);
  return { Items: page.items, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
}

export function PutKey({ KvsARN, Key, Value, IfMatch }: PutKeyRequest, ctx: Ctx): PutKeyResponse {
  return ctx.service.write(arnOf(KvsARN), IfMatch, [{ Key, Value }], []);
}

export function DeleteKey({ KvsARN, Key, IfMatch }: DeleteKeyRequest, ctx: Ctx): DeleteKeyResponse {
  return ctx.service.write(arnOf(KvsARN), IfMatch, [], [{ Key }]);
}

export function UpdateKeys({ KvsARN, IfMatch, Puts, Deletes }: UpdateKeysRequest, ctx: Ctx): UpdateKeysResponse {
  return ctx.service.write(arnOf(KvsARN), IfMatch, Puts ?? [], Deletes ?? []);
}
