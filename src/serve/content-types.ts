// Content-Type by file extension for uploads, as `aws s3 sync` guesses it (Python's `mimetypes`
// table: no charset parameter; an unknown extension gets no Content-Type, which S3 stores as
// binary/octet-stream, as for `.map` files). Only the extensions a web build produces; `.js` is
// text/javascript, as in Python's table and RFC 9239.
import { extname } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html",
  ".htm": "text/html",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/vnd.microsoft.icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mp3": "audio/mpeg",
  ".wav": "audio/x-wav",
};

/** The Content-Type to upload `path` with, or undefined for S3's default. */
export function contentTypeFor(path: string): string | undefined {
  return TYPES[extname(path).toLowerCase()];
}
