// Errors that cross the protocol layer. A handler throws `ServiceError` with an AWS error code;
// the HTTP status and Sender/Receiver come from the service model (model.ts), so a handler never
// picks a status code. Codes that the model does not declare (MalformedXML) carry their own.

export class ServiceError extends Error {
  readonly code: string;
  /** Only for codes absent from the model; otherwise the model's status wins. */
  readonly statusOverride: number | undefined;

  constructor(code: string, message: string, statusOverride?: number) {
    super(message);
    this.name = code;
    this.code = code;
    this.statusOverride = statusOverride;
  }
}

/** Throws a ServiceError; handy on the right of `??`. */
export function fail(code: string, message: string, statusOverride?: number): never {
  throw new ServiceError(code, message, statusOverride);
}

/** Errors about the emulator itself (bad configuration, port in use), not about an AWS call. */
export class EmulatorError extends Error {
  readonly code: string;
  constructor(code: "ERR_CONFIG" | "ERR_LISTEN" | "ERR_STATE", message: string) {
    super(message);
    this.name = "EmulatorError";
    this.code = code;
  }
}

/** True for errors the CLI should print as one line instead of a stack trace. */
export function isUserError(err: unknown): err is EmulatorError {
  return err instanceof EmulatorError;
}
