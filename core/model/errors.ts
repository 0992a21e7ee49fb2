/**
 * Errors services throw; the API maps each to `{ "error": { "code", "message", "details"? } }`
 * with its HTTP status. Services never build HTTP responses themselves.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

export class ServiceError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export const validationError = (message: string, details?: unknown) =>
  new ServiceError(400, "validation_error", message, details);

export const notFound = (what: string) => new ServiceError(404, "not_found", `${what} not found`);

export const conflict = (code: string, message: string) => new ServiceError(409, code, message);

export const payloadTooLarge = (message: string) => new ServiceError(413, "payload_too_large", message);
