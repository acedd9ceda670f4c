/**
 * Auth failures callers branch on by class or `code`, never by message text. The app maps
 * `UnauthorizedError` to a redirect to /sign-in (pages) or 401 (JSON routes), `ForbiddenError`
 * to 403 or an action's error message, `WeakPasswordError` to a form field error.
 */
export type AuthErrorCode = "unauthorized" | "forbidden" | "weak_password" | "bad_secret";

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  /** The HTTP status a route handler should answer with. */
  readonly status: number;

  constructor(code: AuthErrorCode, message: string, status: number) {
    super(message);
    this.name = "AuthError";
    this.code = code;
    this.status = status;
  }
}

/** No valid session: not signed in, signed out, expired, or a tampered cookie. */
export class UnauthorizedError extends AuthError {
  constructor(message = "Sign in to continue.") {
    super("unauthorized", message, 401);
    this.name = "UnauthorizedError";
  }
}

/** Signed in, but the role does not allow it (a viewer trying to change something). */
export class ForbiddenError extends AuthError {
  constructor(message = "Your account can view but not change anything.") {
    super("forbidden", message, 403);
    this.name = "ForbiddenError";
  }
}

export class WeakPasswordError extends AuthError {
  constructor(message: string) {
    super("weak_password", message, 400);
    this.name = "WeakPasswordError";
  }
}

/** AUTH_SECRET is set but unusable; raised at the first session operation, not silently ignored. */
export class BadSecretError extends AuthError {
  constructor(message: string) {
    super("bad_secret", message, 500);
    this.name = "BadSecretError";
  }
}
