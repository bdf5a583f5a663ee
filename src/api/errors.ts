// Errors that cross the protocol layer. A handler throws `ServiceError` with an AWS error code;
// the HTTP status and Sender/Receiver come from the service model (model.ts), so a handler never
// picks a status code. Codes that the model does not declare (MalformedXML) carry their own.

export interface ServiceErrorExtras {
  /** Extra elements of the error document, e.g. S3's `<BucketName>` or `<Key>`. */
  readonly details?: Readonly<Record<string, string>>;
  /** Extra response headers, e.g. `ETag` on a 304. */
  readonly headers?: Readonly<Record<string, string>>;
}

export class ServiceError extends Error {
  readonly code: string;
  /** Only for codes absent from the model; otherwise the model's status wins. */
  readonly statusOverride: number | undefined;
  readonly details: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, message: string, statusOverride?: number, extras: ServiceErrorExtras = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusOverride = statusOverride;
    this.details = extras.details ?? {};
    this.headers = extras.headers ?? {};
  }
}

/** Throws a ServiceError; handy on the right of `??`. */
export function fail(code: string, message: string, statusOverride?: number, extras?: ServiceErrorExtras): never {
  throw new ServiceError(code, message, statusOverride, extras);
}

export { EmulatorError, isUserError } from "../errors.ts";
