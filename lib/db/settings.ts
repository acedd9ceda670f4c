/** Key/value settings that must survive restarts (the generated session secret, for one). */
import type { Db } from "./types";

export async function getSetting(db: Db, key: string): Promise<string | null> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/**
 * The stored value, or `value` stored now when there was none. Race-safe: when two processes
 * call it at once, both get the value that was written first.
 */
export async function getOrCreateSetting(db: Db, key: string, value: () => string): Promise<string> {
  const existing = await getSetting(db, key);
  if (existing !== null) return existing;
  await db
    .insertInto("settings")
    .values({ key, value: value() })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return (await getSetting(db, key))!;
}
