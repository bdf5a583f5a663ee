// Errors about the emulator itself, as opposed to AWS errors of an API call (api/errors.ts ServiceError).

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
