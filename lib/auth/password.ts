/**
 * Password hashing with Argon2id (@node-rs/argon2: Rust, prebuilt per platform inside npm
 * packages, no install script; runs off the main thread). Defaults are OWASP's minimum for
 * Argon2id: 19 MiB memory, 2 iterations, 1 lane — about 20–40 ms per hash on one core here.
 * The parameters live in the hash string, so raising them later keeps old hashes verifiable.
 */
import { randomBytes, randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { WeakPasswordError } from "./errors";

export const MIN_PASSWORD_LENGTH = 10;
/** A cap so a megabyte "password" cannot be used to burn CPU. */
export const MAX_PASSWORD_LENGTH = 256;

/** Throws WeakPasswordError with a message for the form when the password breaks the policy. */
export function assertPasswordPolicy(password: string): void {
  if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) {
    throw new WeakPasswordError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new WeakPasswordError(`The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
  if (password.trim().length === 0) {
    throw new WeakPasswordError("The password cannot be only spaces.");
  }
}

/** Checks the policy, then returns a self-describing `$argon2id$…` hash. */
export async function hashPassword(password: string): Promise<string> {
  assertPasswordPolicy(password);
  return hash(password);
}

/** False for a wrong password, an over-long input or a hash that is not Argon2 (never throws). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (typeof password !== "string" || password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password, made once per process. Sign-in verifies against it when the
 * email is unknown, so both cases cost one Argon2 verification and take about as long.
 */
export function getDummyHash(): Promise<string> {
  dummyHash ??= hash(randomBytes(24).toString("base64url"));
  return dummyHash;
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random password without look-alike characters (about 117 bits for 20 characters). */
export function generatePassword(length = 20): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
