// Cookie request headers (RFC 6265 §4.2): `name=value` pairs separated by `;`, whitespace around
// each trimmed. A part without `=` is a name with an empty value (as browsers send `Cookie: flag`).

/** The pairs of a Cookie header, in order, names and values as received. */
export function cookiePairs(header: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of header.split(";")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    pairs.push(eq < 0 ? [item, ""] : [item.slice(0, eq).trim(), item.slice(eq + 1).trim()]);
  }
  return pairs;
}
