// Query strings as the edge, S3 and CloudFront Functions read them: split on `&`, a part without
// `=` is a name with an empty value, and percent-decoding is lenient (malformed escapes stay as
// they were, as CloudFront and S3 pass them on rather than refusing the request). `+` is kept
// literal: SigV4 canonicalizes the decoded values, and a CloudFront Functions event shows the
// query as received.

/** One `name=value` part of a raw query, not decoded; `raw` is the part as it stood. */
export interface QueryPart {
  readonly raw: string;
  readonly name: string;
  readonly value: string;
}

/** The parts of a raw query (without `?`), in order; empty parts (`a&&b`) included as "". */
export function queryParts(raw: string): QueryPart[] {
  if (raw === "") return [];
  return raw.split("&").map((part) => {
    const eq = part.indexOf("=");
    return eq < 0 ? { raw: part, name: part, value: "" } : { raw: part, name: part.slice(0, eq), value: part.slice(eq + 1) };
  });
}

/** Name/value pairs of a raw query, percent-decoded leniently; empty parts skipped. */
export function decodedQueryPairs(raw: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const p of queryParts(raw)) if (p.raw !== "") pairs.push([decodeLenient(p.name), decodeLenient(p.value)]);
  return pairs;
}

/** decodeURIComponent, leaving text with a malformed escape as it was. */
export function decodeLenient(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
