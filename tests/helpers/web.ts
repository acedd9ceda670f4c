/**
 * Runs the production web app (`next start` on the build tests/setup/next-build.ts made) for
 * end-to-end tests, on a free loopback port, in its own process group, and stops only that
 * group by its pid. Each server gets its own database (a SQLite file, or a PostgreSQL database in
 * the `*-pg` projects: tests/helpers/db.ts) with one admin account, and a
 * read-only API token, so tests can sign in (signIn, or signInWithForm where signing in is the
 * subject) or call JSON routes (getJson).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { addAdmin, SESSION_COOKIE_NAME, signIn as checkSignIn } from "@/lib/auth";
import { migrate, openDb, type Role } from "@/lib/db";
import { ensureNextBuild } from "../setup/next-build";
import { newTestDatabase, type TestDatabase } from "./db";
import { onHost } from "./processes";
import { freePort } from "./redis-server";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const MAX_OUTPUT = 1 << 20;
/** The preload `npm start` uses: the connection's address for the app, client X-Forwarded-* dropped. */
const PEER_ADDRESS = pathToFileURL(path.join(ROOT, "scripts", "peer-address.mjs")).href;
/**
 * Preloaded into `next start`: exit when stdin (a pipe from the test process) reaches EOF, which
 * happens when the test process dies without calling stop() (a SIGKILLed vitest worker). An
 * orphaned next-server was seen spinning a core at 90% with its output pipe gone.
 */
const EXIT_WITH_PARENT =
  "data:text/javascript," +
  encodeURIComponent(`process.stdin.on("end",()=>process.exit(0)).on("error",()=>process.exit(0)).resume();`);

export interface StartWebOptions {
  redisUrl: string;
  namespace: string;
  /** Extra or overriding environment (an `undefined` value removes a variable). */
  env?: Record<string, string | undefined>;
  /** How long to wait for the first HTTP answer; `next start` takes 1-3 s, longer on a loaded machine. */
  readyTimeoutMs?: number;
  /**
   * The account written to the server's database before it starts (default: role admin,
   * `admin@e2e.test`, a random password). `false` starts with no account (first-run flows).
   */
  account?: Partial<Account> | false;
  /**
   * Serve this DATABASE_URL instead of a new database of its own (several web hosts on one
   * database): it is migrated and given `account` as a new one would be, and stop() leaves it.
   */
  databaseUrl?: string;
  /** The server's os.hostname() (tests/helpers/processes.ts onHost); default this machine's. */
  hostname?: string;
}

export interface Account {
  email: string;
  password: string;
  role: Role;
}

export interface WebServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** Pid of `next start`, which is also its process group id. */
  pid: number;
  /**
   * The server's `DATABASE_URL`: a SQLite file in a temp folder, or a PostgreSQL database URL;
   * either is removed by stop().
   */
  databasePath: string;
  /** The account seeded before start; null with `account: false`. */
  account: Account | null;
  /** `API_TOKEN` of this server: `Authorization: Bearer <token>` reads JSON routes without a session. */
  apiToken: string;
  /** The server's AUTH_SECRET when one is set (else it signs cookies with the one stored in its database). */
  authSecret: string | undefined;
  /** Everything the server printed so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGTERM to the process group, SIGKILL after a grace period; resolves once it is gone. */
  stop(): Promise<void>;
}

/** Groups still running (pid → temp folder): killed and removed if the test process exits without stop(). */
const running = new Map<number, string>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const [pid, dir] of running) {
      killGroup(pid, "SIGKILL");
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort while exiting
      }
    }
  });
}

function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

/** True while any process of the group is alive; a pgid is not reused while its group exists. */
function groupAlive(pid: number): boolean {
  return killGroup(pid, 0);
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function launch(port: number, opts: StartWebOptions, databasePath: string, apiToken: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // vitest sets NODE_ENV=test; the server must run as it does in production.
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: opts.redisUrl,
    RESQUE_NAMESPACE: opts.namespace,
    DATABASE_URL: databasePath,
    API_TOKEN: apiToken,
    PORT: String(port),
  };
  // lib/redis.ts falls back to php's variables, and secure cookies would not be sent over
  // http://127.0.0.1: never let the developer's shell leak in.
  delete env.REDIS_BACKEND;
  delete env.REDIS_BACKEND_DB;
  delete env.PREFIX;
  delete env.COOKIE_SECURE;
  delete env.TRUST_PROXY;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const [command, args] = onHost(opts.hostname, process.execPath, [
    ...["--import", EXIT_WITH_PARENT, "--import", PEER_ADDRESS, NEXT_BIN],
    ...["start", "-p", String(port), "-H", "127.0.0.1"],
  ]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    detached: true, // own process group, so stop() reaches anything it forks
    stdio: ["pipe", "pipe", "pipe"], // stdin stays open until this process exits: see EXIT_WITH_PARENT
  });
  let out = "";
  const append = (d: Buffer) => {
    if (out.length < MAX_OUTPUT) out += d.toString();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  return { child, output: () => out };
}

/** Polls until the server answers any HTTP request (a 404 page counts), or it exits, or the deadline passes. */
async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return "exited";
    try {
      // Next's static-file handler answers this with a plain 404, without rendering the app
      // (so a layout that reads Redis or the database cannot slow the probe down).
      const res = await fetch(`${url}/_next/static/__e2e-ready`, {
        signal: AbortSignal.timeout(5_000),
        redirect: "manual",
      });
      await res.arrayBuffer();
      return "ready";
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  return "timeout";
}

/**
 * Starts `next start` against `redisUrl`/`namespace` and resolves once it answers HTTP.
 * Waits for a build of the current sources first (started by vitest's globalSetup, or here).
 */
export async function startWeb(opts: StartWebOptions): Promise<WebServer> {
  await ensureNextBuild();
  installExitHook();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "resque-admin-web-"));
  let database: TestDatabase | undefined;
  const removeData = async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const apiToken = randomBytes(24).toString("hex");
  let account: Account | null;
  try {
    // Empty, as a fresh SQLite file is: a server started with `account: false` migrates it itself.
    database = opts.databaseUrl
      ? { url: opts.databaseUrl, drop: async () => undefined }
      : await newTestDatabase(dataDir, { migrated: false });
    account = opts.account === false ? null : await seedAccount(database.url, opts.account);
  } catch (e) {
    await removeData();
    throw e;
  }
  const databasePath = database.url;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child, output } = launch(port, opts, databasePath, apiToken);
    const pid = child.pid!;
    running.set(pid, dataDir);
    const stop = async () => {
      if (groupAlive(pid)) {
        killGroup(pid, "SIGTERM");
        if (!(await waitForExit(child, 10_000))) killGroup(pid, "SIGKILL");
        await waitForExit(child, 10_000);
        // Leader gone but a forked child left behind: the group still exists, so it is still ours.
        if (groupAlive(pid)) killGroup(pid, "SIGKILL");
      }
      running.delete(pid);
    };
    const state = await waitUntilAnswering(url, child, readyTimeoutMs);
    if (state === "ready") {
      return {
        url,
        port,
        pid,
        databasePath,
        account,
        apiToken,
        authSecret: authSecretOf(opts),
        output,
        async stop() {
          await stop();
          await removeData();
        },
      };
    }
    await stop();
    // Another process took the port between freePort() and listen(): try a new one.
    if (state === "exited" && /EADDRINUSE/.test(output()) && attempt < 4) continue;
    await removeData();
    throw new Error(
      state === "exited"
        ? `next start exited (code ${child.exitCode}, signal ${child.signalCode}) before answering:\n${output()}`
        : `next start did not answer on ${url} within ${readyTimeoutMs} ms:\n${output()}`,
    );
  }
}

/** Migrates a fresh database and adds one account (argon2 hashing: about 0.1 s). */
async function seedAccount(databasePath: string, given: Partial<Account> = {}): Promise<Account> {
  const account: Account = {
    email: given.email ?? "admin@e2e.test",
    password: given.password ?? randomBytes(12).toString("base64url"),
    role: given.role ?? "admin",
  };
  const db = openDb(databasePath);
  try {
    await migrate(db);
    await addAdmin(db, account);
  } finally {
    await db.destroy();
  }
  return account;
}

/** AUTH_SECRET as launch() passes it to the server: the test's environment, then `opts.env`. */
function authSecretOf(opts: StartWebOptions): string | undefined {
  const v = opts.env && "AUTH_SECRET" in opts.env ? opts.env.AUTH_SECRET : process.env.AUTH_SECRET;
  return v === "" ? undefined : v;
}

/**
 * Gives `page`'s browser context a session for `account`, as a successful sign-in leaves it,
 * without the form: the same check (lib/auth's signIn: password, throttle, the account's last
 * sign-in, the end of a session the browser already had, a new session row with this browser's
 * user agent) and the signed cookie in the context; not signInAction's own part (its audit row,
 * the redirect). The page stays where it was (a new one is blank): go to the page under test
 * next. The form is a page load, a server action and a render of the Overview: 1.2 s of CPU per
 * sign-in on this 2-core machine, about 120 times a run, in tests whose subject is something
 * else. Tests of signing in, and of what the action writes, use signInWithForm.
 */
export async function signIn(page: Page, web: WebServer, account: Account | null = web.account): Promise<void> {
  if (!account) throw new Error("this server was started with account: false; pass an account to sign in with");
  const userAgent = await page.evaluate(() => navigator.userAgent);
  // As the form does, a session this browser already has for the server ends here.
  const presentedToken = (await page.context().cookies(web.url)).find((c) => c.name === SESSION_COOKIE_NAME)?.value;
  const db = openDb(web.databasePath);
  try {
    const env = web.authSecret === undefined ? {} : { AUTH_SECRET: web.authSecret };
    const res = await checkSignIn(
      db,
      { email: account.email, password: account.password, ip: "127.0.0.1", userAgent, presentedToken },
      { env },
    );
    if (!res.ok) throw new Error(`sign-in as ${account.email} refused: ${res.error}`);
    await page.context().addCookies([
      {
        name: SESSION_COOKIE_NAME,
        value: res.token,
        url: web.url,
        httpOnly: true,
        sameSite: "Lax",
        expires: Math.floor(res.expiresAt.getTime() / 1000),
      },
    ]);
  } finally {
    await db.destroy();
  }
}

/**
 * Signs `page` in through the real sign-in form (selectors by field name, so any UI language
 * works) and waits until the app has left /sign-in. Cookies are per browser context: sign in
 * once per openBrowser().
 */
export async function signInWithForm(page: Page, web: WebServer, account: Account | null = web.account): Promise<void> {
  if (!account) throw new Error("this server was started with account: false; pass an account to sign in with");
  await page.goto(`${web.url}/sign-in`);
  // The header holds other forms (language switch), so scope to the one with the password field.
  const form = page.locator("form", { has: page.locator('input[name="password"]') });
  await form.locator('input[name="email"]').fill(account.email);
  await form.locator('input[name="password"]').fill(account.password);
  await form.locator('button[type="submit"]').click();
  try {
    await page.waitForURL((u) => u.pathname !== "/sign-in", { timeout: 60_000 });
  } catch (e) {
    const message = await page
      .locator("#sign-in-message")
      .textContent()
      .catch(() => null);
    throw new Error(`sign-in as ${account.email} did not leave /sign-in${message ? `: ${message.trim()}` : ""}`, {
      cause: e,
    });
  }
}

/** GET a JSON route with this server's API token; returns the status and the parsed body. */
export async function getJson<T = unknown>(
  web: WebServer,
  route: string,
): Promise<{ status: number; contentType: string | null; body: T }> {
  const res = await fetch(`${web.url}${route}`, {
    headers: { authorization: `Bearer ${web.apiToken}` },
    // Generous: with Redis down, this app's routes take up to ~15 s to answer 503.
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    throw new Error(`${route} answered ${res.status} with non-JSON: ${text.slice(0, 500)}`);
  }
  return { status: res.status, contentType: res.headers.get("content-type"), body };
}
