// Request targets (RFC 9112 §3.2): everything past the listener works on origin-form targets
// (`/path?query`). An absolute-form target (`GET http://host/path`, as a proxy client sends) is
// rewritten to origin-form, and its authority replaces the Host header as RFC 9112 §3.2.2 requires,
// so the target is never forwarded verbatim to an origin. Other forms (`*`, authority-form) are
// refused.
import type { IncomingMessage } from "node:http";

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/;

/** Puts the request's target in origin-form; false when it cannot be (the caller answers 400). */
export function toOriginForm(req: IncomingMessage): boolean {
  const url = req.url ?? "/";
  if (url.charCodeAt(0) === 47 /* "/" */) return true;
  const m = ABSOLUTE.exec(url);
  if (!m || m[1] === "") return false;
  const rest = m[2] ?? "";
  req.url = rest.startsWith("/") ? rest : `/${rest}`;
  req.headers.host = m[1];
  return true;
}
