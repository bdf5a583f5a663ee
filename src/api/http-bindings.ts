// The HTTP bindings shared by the REST protocols (smithy's httpLabel, httpQuery, httpHeader,
// httpPrefixHeaders, httpQueryParams): one input member read from the URI labels, the query or
// the headers. REST-XML and restJson1 differ only in how a scalar's text is checked and in the
// body, so each passes its own scalar reader.
import type { IncomingHttpHeaders } from "node:http";
import type { NormalizedSchema } from "@smithy/core/schema";

export interface BoundRequest {
  readonly labels: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

/** Reads one scalar from its text; `name` is the wire name, `where` the binding, for errors. */
export type ScalarReader = (schema: NormalizedSchema, text: string, name: string, where: "label" | "query" | "header") => unknown;

/**
 * The member's value when it is bound to the URI, query or headers: `{ bound: true, value }`
 * (value undefined when the request leaves it out); `{ bound: false }` for payload and body
 * members, which the protocol reads itself.
 */
export function readHttpBinding(name: string, member: NormalizedSchema, req: BoundRequest, readScalar: ScalarReader): { bound: boolean; value?: unknown } {
  const traits = member.getMergedTraits();
  if (traits.httpLabel) {
    const raw = req.labels[name];
    return { bound: true, value: raw === undefined ? undefined : readScalar(member, raw, name, "label") };
  }
  if (typeof traits.httpQuery === "string") {
    const key = traits.httpQuery;
    const values = req.query.getAll(key);
    if (values.length === 0) return { bound: true };
    return { bound: true, value: member.isListSchema() ? values.map((v) => readScalar(member.getValueSchema(), v, key, "query")) : readScalar(member, values[0] as string, key, "query") };
  }
  if (typeof traits.httpHeader === "string") {
    const raw = req.headers[traits.httpHeader.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(",") : raw;
    return { bound: true, value: value === undefined || value === "" ? undefined : readScalar(member, value, traits.httpHeader, "header") };
  }
  if (typeof traits.httpPrefixHeaders === "string") {
    const prefix = traits.httpPrefixHeaders.toLowerCase();
    const map: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k.startsWith(prefix) && v !== undefined) map[k.slice(prefix.length)] = Array.isArray(v) ? v.join(",") : v;
    }
    return { bound: true, value: Object.keys(map).length > 0 ? map : undefined };
  }
  if (traits.httpQueryParams) {
    const params: Record<string, string> = {};
    for (const [k, v] of req.query) params[k] = v;
    return { bound: true, value: params };
  }
  return { bound: false };
}
