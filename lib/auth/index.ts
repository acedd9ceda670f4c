/**
 * `lib/auth`: framework-free authentication — password hashing, signed session cookies,
 * throttled sign-in, roles, and the first admin. Usable from Next server code, the worker and
 * the CLI; the app wraps it with cookies()/redirect() in its own server-only module.
 */
export * from "./errors";
export * from "./roles";
export * from "./password";
export * from "./session";
export * from "./sign-in";
export * from "./first-admin";
export * from "./accounts";
