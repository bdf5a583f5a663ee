// The dashboard's small HTTP helpers: JSON in and out, and the error answer every API route gives.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ServiceError } from "../api/errors.ts";

/** Largest JSON body the dashboard's API reads (a KeyValueStore value is at most 1 KB, a test event 40 KB). */
const MAX_BODY_BYTES = 1024 * 1024;

/** A request the dashboard's API refuses: its status, a code and a sentence. */
export class UiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}

/** Answers a failed API call: ours (UiError) or the AWS API's own (ServiceError, with its code). */
export function sendFailure(res: ServerResponse, err: unknown): void {
  if (err instanceof UiError) return sendJson(res, err.status, { error: err.code, message: err.message });
  if (err instanceof ServiceError) return sendJson(res, serviceStatus(err.code), { error: err.code, message: err.message });
  throw err;
}

function serviceStatus(code: string): number {
  if (/^NoSuch|NotFound/.test(code)) return 404;
  if (/Conflict|PreconditionFailed/.test(code)) return 409;
  return 400;
}

/** The request's JSON object body. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new UiError(413, "TooLarge", `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw new UiError(400, "BadJson", "the body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new UiError(400, "BadJson", "the body must be a JSON object");
  return body as Record<string, unknown>;
}

/** A string member of a JSON body; UiError when absent (or not a string). */
export function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== "string" || v === "") throw new UiError(400, "MissingField", `"${name}" is required (a string)`);
  return v;
}
