/**
 * Seeds golden fixtures into a test namespace exactly as JSON.parse of the fixture file gives
 * them (never retyped or re-encoded), with the fixture key's leading `resque:` replaced by the
 * test namespace.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Redis } from "ioredis";
import { Connection } from "@/lib/resque";

export interface FixtureEntry {
  key: string;
  type: "string" | "list" | "set" | "zset";
  raw: string;
  score?: number;
  ttl?: number;
}

const dir = path.resolve(import.meta.dirname, "../fixtures");

/** php-resque, node-resque and interop-slots files: name → {key, type, raw, …}. */
export function loadEntries(file: "php-resque" | "node-resque" | "interop-slots"): Record<string, FixtureEntry> {
  return JSON.parse(readFileSync(path.join(dir, `${file}.json`), "utf8")) as Record<string, FixtureEntry>;
}

/** The Ruby file: name → raw string (keys in the neighbouring `*_key` entries). */
export function loadRuby(): Record<string, string> {
  return JSON.parse(readFileSync(path.join(dir, "ruby-resque.json"), "utf8")) as Record<string, string>;
}

/** `resque:queue:x` → `<ns>:queue:x`. */
export function nsKey(ns: string, fixtureKey: string): string {
  if (!fixtureKey.startsWith("resque:")) throw new Error(`fixture key without resque: prefix: ${fixtureKey}`);
  return ns + ":" + fixtureKey.slice("resque:".length);
}

/** Writes one value under a namespaced fixture key with the command its type calls for. */
export async function seedRaw(
  redis: Redis,
  ns: string,
  e: { key: string; type: FixtureEntry["type"]; raw: string; score?: number },
): Promise<void> {
  const key = nsKey(ns, e.key);
  if (e.type === "list") await redis.rpush(key, e.raw);
  else if (e.type === "set") await redis.sadd(key, e.raw);
  else if (e.type === "zset") await redis.zadd(key, e.score ?? 0, e.raw);
  else await redis.set(key, e.raw);
}

/** Seeds named entries of a php/node fixture file in the order given. */
export async function seed(
  redis: Redis,
  ns: string,
  entries: Record<string, FixtureEntry>,
  names: string[],
): Promise<void> {
  for (const n of names) {
    const e = entries[n];
    if (!e) throw new Error(`no fixture named ${n}`);
    await seedRaw(redis, ns, e);
  }
}

/** A fresh namespace with a connection on it; `close` disconnects. */
export function makeConn(redis: Redis, ns: string): Connection {
  return new Connection({ redis, namespace: ns });
}

/** Redis clock in ms, for liveness expectations that must not depend on the test host's clock. */
export async function redisNowMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/**
 * Every delayed item of the php, node and Ruby fixture files (with their schedule and reverse-index
 * entries) as seedable entries, and the items with their timestamp and source.
 */
export function delayedFixtures(): { fixtures: FixtureEntry[]; items: { ts: number; raw: string; source: string }[] } {
  const fixtures: FixtureEntry[] = [];
  const items: { ts: number; raw: string; source: string }[] = [];
  for (const [file, prefix] of [
    ["php-resque", "php"],
    ["node-resque", "node"],
  ] as const) {
    for (const [name, f] of Object.entries(loadEntries(file))) {
      if (name === "_source" || !/delayed|timestamps/.test(name)) continue;
      fixtures.push(f);
      if (f.type === "list")
        items.push({ ts: Number(f.key.split(":").pop()), raw: f.raw, source: `${prefix}:${name}` });
    }
  }
  const ruby = loadRuby();
  const ts = Number(ruby.delayed_schedule_score);
  const listKey = ruby.delayed_list_key!;
  for (const name of [
    "delayed_item",
    "delayed_item_duplicate",
    "delayed_item_unicode",
    "delayed_item_positional_args",
    "delayed_item_foreign_class",
  ]) {
    fixtures.push({ key: listKey, type: "list", raw: ruby[name]! });
    items.push({ ts, raw: ruby[name]!, source: `ruby:${name}` });
  }
  fixtures.push({ key: ruby.delayed_schedule_key!, type: "zset", raw: ruby.delayed_schedule_member!, score: ts });
  fixtures.push({ key: ruby.delayed_timestamps_key!, type: "set", raw: ruby.delayed_timestamps_member! });
  return { fixtures, items };
}
