// `npm run queue -- <command>`: rebuilds the worker bundle when a source file changed, then runs it.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildWorkers, isStale } from "./build-workers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (isStale()) await buildWorkers();
const cli = await import(pathToFileURL(path.join(root, "dist", "workers", "cli.mjs")).href);
process.exit(await cli.main(process.argv.slice(2)));
