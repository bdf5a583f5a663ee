// The AWS service model, read once from the schemas that ship inside an AWS SDK client package
// (docs/decisions.md "Protocol layer"). Everything the protocol layer knows about an operation (HTTP
// method, URI template, success code, input/output shapes) and about an error (HTTP status,
// Sender/Receiver) comes from here; nothing about a service is written by hand.
//
// The schema format is internal to the SDK: the package versions are pinned and the resulting
// operation table is snapshot-tested (model.test.ts).
import { NormalizedSchema } from "@smithy/core/schema";

/** One operation, as the router and the rest-xml codec need it. */
export interface OperationModel {
  readonly name: string;
  readonly method: string;
  /** Path part of the URI template, e.g. `/2020-05-31/distribution/{Id}/config`. */
  readonly pathTemplate: string;
  /** Literal query members of the URI template (`?WithTags` → `{ WithTags: "" }`). */
  readonly literalQuery: Readonly<Record<string, string>>;
  readonly successCode: number;
  readonly input: NormalizedSchema;
  readonly output: NormalizedSchema;
}

export interface ErrorModel {
  readonly code: string;
  readonly status: number;
  /** `Sender` for client errors, `Receiver` for server faults. */
  readonly type: "Sender" | "Receiver";
}

export interface ServiceModel {
  readonly name: string;
  readonly xmlNamespace: string;
  /** Content-Type of XML responses (CloudFront `text/xml`, S3 `application/xml`). */
  readonly xmlContentType: string;
  readonly operations: ReadonlyMap<string, OperationModel>;
  readonly errors: ReadonlyMap<string, ErrorModel>;
}

// Schema tuples as emitted by the SDK's code generator: [kind, namespace, name, traits, ...].
// Kind 9 is an operation, -3 an error structure (see @smithy/core/schema).
const OPERATION_KIND = 9;
const ERROR_KIND = -3;

type OperationTuple = [9, string, string, { http?: [string, string, number] }, () => unknown, () => unknown];
type ErrorTuple = [-3, string, string, { error?: "client" | "server"; httpError?: number }];

/**
 * Builds the operation and error tables from a client package's exports
 * (`import * as sdk from "@aws-sdk/client-cloudfront"`).
 */
export function loadServiceModel(
  name: string,
  xmlNamespace: string,
  sdkExports: Record<string, unknown>,
  xmlContentType = "text/xml",
): ServiceModel {
  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, ErrorModel>();
  for (const value of Object.values(sdkExports)) {
    if (!Array.isArray(value)) continue;
    if (value[0] === OPERATION_KIND) {
      const op = value as OperationTuple;
      const http = op[3].http;
      if (!http) continue;
      const [method, uri, successCode] = http;
      const [pathTemplate, literalQuery] = splitUriTemplate(uri);
      operations.set(op[2], {
        name: op[2],
        method,
        pathTemplate,
        literalQuery,
        successCode,
        input: NormalizedSchema.of(op[4] as never),
        output: NormalizedSchema.of(op[5] as never),
      });
    } else if (value[0] === ERROR_KIND) {
      const err = value as ErrorTuple;
      const traits = err[3];
      if (typeof traits !== "object" || !traits.httpError) continue;
      errors.set(err[2], {
        code: err[2],
        status: traits.httpError,
        type: traits.error === "server" ? "Receiver" : "Sender",
      });
    }
  }
  return { name, xmlNamespace, xmlContentType, operations: sortedMap(operations), errors };
}

function splitUriTemplate(uri: string): [string, Record<string, string>] {
  const q = uri.indexOf("?");
  if (q < 0) return [uri, {}];
  const literal: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(uri.slice(q + 1))) literal[k] = v;
  return [uri.slice(0, q), literal];
}

function sortedMap<V>(map: Map<string, V>): Map<string, V> {
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Number of required members of a structure schema. The generator puts required members first
 * and records their count as the 7th tuple element; NormalizedSchema does not expose it.
 */
export function requiredMemberCount(struct: NormalizedSchema): number {
  const raw = struct.getSchema() as unknown;
  if (Array.isArray(raw) && typeof raw[6] === "number") return raw[6];
  return 0;
}
