// Resource wildcards in signed-URL policies (docs/signed-urls.md §4): a policy's Resource is a URL
// pattern whose `*` and `?` match within one section of the URL (scheme, domain, path, query).

/**
 * Whether `url` (scheme://host/path?query) matches a policy Resource (docs/signed-urls.md §4): `*` matches any run of
 * characters within one section (scheme, domain, path, query), `?` exactly one character (or the
 * `?` that starts the query, as in the Resources botocore and the SDK write), `\?` a literal `?`. A
 * trailing `*` matches the rest of the URL (`/hello*` ≡ `/hello*?*`, `http://example.com*` ≡
 * `http://example.com*\/*?*`); `"*"` alone matches everything; a Resource without a scheme that
 * starts with `*` has scheme `*`. Scheme and domain compare case-insensitively.
 */
export function matchesResource(resource: string, url: string): boolean {
  const pattern = compileResource(resource);
  if (pattern === undefined) return false;
  return matchTokens(pattern, splitUrl(url));
}

const SCHEME = 0;
const DOMAIN = 1;
const PATH = 2;
const QUERY = 3;
/** Characters between sections (`://`, the `?` before the query): only matched literally (or `?` by `?`). */
const SEPARATOR = -1;

interface UrlChar {
  readonly ch: string;
  readonly section: number;
}

type Token = { readonly kind: "star" } | { readonly kind: "one" } | { readonly kind: "literal"; readonly ch: string };

function splitUrl(url: string): UrlChar[] {
  const schemeEnd = url.indexOf("://");
  const afterScheme = schemeEnd + 3;
  const pathStart = url.indexOf("/", afterScheme);
  const queryStart = url.indexOf("?", pathStart);
  const out: UrlChar[] = [];
  const push = (text: string, section: number) => {
    for (const ch of text) out.push({ ch, section });
  };
  push(url.slice(0, schemeEnd).toLowerCase(), SCHEME);
  push("://", SEPARATOR);
  push(url.slice(afterScheme, pathStart).toLowerCase(), DOMAIN);
  if (queryStart < 0) {
    push(url.slice(pathStart), PATH);
  } else {
    push(url.slice(pathStart, queryStart), PATH);
    out.push({ ch: "?", section: SEPARATOR });
    push(url.slice(queryStart + 1), QUERY);
  }
  return out;
}

/** The Resource as tokens, or undefined when it has no usable scheme (a malformed policy). */
export function compileResource(resource: string): Token[] | undefined {
  if (resource === "*") return [{ kind: "star" }];
  let text = resource;
  if (!text.includes("://")) {
    if (!text.startsWith("*")) return undefined;
    text = `*://${text}`; // `*example.com` ≡ `*://*example.com/` (docs/signed-urls.md §4)
  }
  const schemeEnd = text.indexOf("://");
  if (!/^[A-Za-z*?]+$/.test(text.slice(0, schemeEnd))) return undefined;
  const domainEnd = text.indexOf("/", schemeEnd + 3);
  if (domainEnd < 0 && !text.endsWith("*")) text += "/";
  // Scheme and domain are case-insensitive; the path and query are not.
  const cut = domainEnd < 0 ? text.length : domainEnd;
  text = text.slice(0, cut).toLowerCase() + text.slice(cut);
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "\\" && i + 1 < text.length) tokens.push({ kind: "literal", ch: text[++i] as string });
    else if (ch === "*") tokens.push({ kind: "star" });
    else if (ch === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "literal", ch });
  }
  return tokens;
}

/**
 * Wildcard match by dynamic programming over (tokens, URL characters), one row per token:
 * `row[j]` says whether the tokens so far match the first j characters of the URL.
 */
function matchTokens(tokens: readonly Token[], url: readonly UrlChar[]): boolean {
  const n = url.length;
  let row = new Uint8Array(n + 1);
  row[0] = 1;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    const next = new Uint8Array(n + 1);
    if (token.kind === "star" && t === tokens.length - 1) {
      // A trailing * takes the rest of the URL, across sections.
      return row.some((v) => v === 1);
    }
    for (let j = 0; j <= n; j++) {
      if (token.kind === "star") {
        if (row[j]) {
          next[j] = 1;
          continue;
        }
        if (j === 0) continue;
        const c = url[j - 1] as UrlChar;
        if (c.section === SEPARATOR) continue;
        // Extend a run that started in this character's section, or start one here.
        const prev = url[j - 2];
        if (row[j - 1] || (next[j - 1] && prev !== undefined && prev.section === c.section)) next[j] = 1;
      } else if (j > 0 && row[j - 1]) {
        const c = url[j - 1] as UrlChar;
        if (token.kind === "one") next[j] = c.section !== SEPARATOR || c.ch === "?" ? 1 : 0;
        else next[j] = c.ch === token.ch ? 1 : 0;
      }
    }
    row = next;
  }
  return row[n] === 1;
}
