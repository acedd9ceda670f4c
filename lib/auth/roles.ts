/**
 * Two roles: `admin` does everything; `viewer` reads everything and changes nothing.
 * Checks happen on the server for every page, route, action and download; hiding a button in
 * the UI is not a check.
 */
import type { Role } from "../db/types";
import { ForbiddenError, UnauthorizedError } from "./errors";

export type { Role } from "../db/types";
export { isRole, ROLES } from "../db/admins";
export { AuthError, ForbiddenError, UnauthorizedError, type AuthErrorCode } from "./errors";

/** `read`: see pages and JSON; `write`: any change (retry, delete, clear, pause, accounts). */
export type Permission = "read" | "write";

export function can(role: Role, permission: Permission): boolean {
  if (role === "admin") return true;
  if (role === "viewer") return permission === "read";
  return false; // an unknown role from a hand-edited row gets nothing
}

export interface SessionAdmin {
  id: number;
  email: string;
  role: Role;
}

/**
 * The guard core: throws UnauthorizedError without an admin, ForbiddenError when the role lacks
 * the permission, else returns the admin (narrowed to non-null).
 */
export function assertCan<A extends SessionAdmin>(admin: A | null | undefined, permission: Permission): A {
  if (!admin) throw new UnauthorizedError();
  if (!can(admin.role, permission)) throw new ForbiddenError();
  return admin;
}
