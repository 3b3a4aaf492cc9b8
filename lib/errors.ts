/** A failure the caller can act on; turned into RFC 9457 problem+json (API) or a form error (UI). */
export type FieldError = { path: string; message: string };

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(message);
  }
}

export const notFound = (what = "resource") => new AppError(404, "not_found", `The ${what} does not exist.`);
export const forbidden = (message = "You may not do this.") => new AppError(403, "forbidden", message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new AppError(409, code, message, details);
export const invalid = (errors: FieldError[], message = "The request is not valid.") =>
  new AppError(400, "validation_failed", message, { errors });
