/**
 * Exports in a folder: local, or a shared volume mounted at the same path on every host. A file
 * is written under a temporary name in `.export-tmp` beside the folder (same file system, so the
 * final rename is atomic) and renamed in only when complete and flushed: the folder never holds
 * a partial file, not even after a SIGKILL.
 */
import { constants, createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { EXPORT_FILE_PATTERN, exportTmpDir } from "./paths";
import type { ExportStorage, ExportUpload, StoredExport } from "./storage-api";

export class FolderStorage implements ExportStorage {
  readonly location: string;
  private readonly tmpDir: string;

  constructor(readonly dir: string) {
    this.location = dir;
    this.tmpDir = exportTmpDir(dir);
  }

  where(name: string): string {
    // turbopackIgnore: export files are data of the running app, not part of the build.
    return path.join(/*turbopackIgnore: true*/ this.dir, name);
  }

  async check(use: "write" | "read"): Promise<void> {
    // A web host only reads, and an empty or not yet created folder just has no exports.
    if (use === "read") return;
    // The folder, or the nearest existing folder above it that the first export will create it in.
    let dir = this.dir;
    for (;;) {
      const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return null;
        throw new Error(`export folder ${this.dir} cannot be reached by this process (${e.code} on ${dir})`, {
          cause: e,
        });
      });
      if (st) {
        if (!st.isDirectory()) throw new Error(`export folder ${this.dir}: ${dir} is not a directory`);
        break;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    try {
      await access(dir, constants.W_OK | constants.X_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "EACCES";
      throw new Error(`export folder ${this.dir} is not writable by this process (${code} on ${dir})`, { cause: e });
    }
  }

  async begin(name: string, tag: string): Promise<ExportUpload> {
    await mkdir(this.dir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
    const prefix = `${tag}-`;
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    await Promise.all(
      names.filter((n) => n.startsWith(prefix)).map((n) => rm(path.join(this.tmpDir, n), { force: true })),
    );
    const tmp = path.join(this.tmpDir, `${prefix}${process.pid}-${name}.part`);
    // `flush`: fsync before close, so the renamed file is on disk, not only in the page cache.
    const stream = createWriteStream(tmp, { flush: true });
    const final = this.where(name);
    return {
      stream,
      commit: async () => {
        stream.end();
        await finished(stream);
        await rename(tmp, final);
        return (await stat(final)).size;
      },
      abort: async () => {
        stream.destroy();
        await rm(tmp, { force: true });
      },
    };
  }

  async open(name: string): Promise<{ sizeBytes: number; body: ReturnType<typeof createReadStream> } | null> {
    const full = this.where(name);
    const st = await stat(/*turbopackIgnore: true*/ full).catch(() => null);
    if (!st?.isFile()) return null;
    return { sizeBytes: st.size, body: createReadStream(/*turbopackIgnore: true*/ full) };
  }

  async *list(): AsyncIterable<StoredExport> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!EXPORT_FILE_PATTERN.test(name)) continue;
      const st = await stat(this.where(name)).catch(() => null);
      if (st?.isFile()) yield { name, modifiedMs: st.mtimeMs };
    }
  }

  async remove(names: readonly string[]): Promise<number> {
    let removed = 0;
    for (const name of names) {
      const p = this.where(name);
      if (!(await stat(/*turbopackIgnore: true*/ p).catch(() => null))) continue;
      await rm(p, { force: true });
      removed++;
    }
    return removed;
  }

  async pruneLeftovers(cutoffMs: number): Promise<number> {
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith(".part"))) {
      const p = path.join(this.tmpDir, name);
      const st = await stat(p).catch(() => null);
      if (st?.isFile() && st.mtimeMs < cutoffMs) {
        await rm(p, { force: true });
        removed++;
      }
    }
    return removed;
  }

  close(): void {}
}
