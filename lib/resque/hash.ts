import { createHash } from "node:crypto";

/**
 * sha1 of the stored bytes, hex. Hashing the bytes (not a decoded string) keeps it equal to
 * Lua's `redis.sha1hex` even for records that are not valid UTF-8.
 */
export function sha1Hex(bytes: Buffer | string): string {
  return createHash("sha1").update(bytes).digest("hex");
}
