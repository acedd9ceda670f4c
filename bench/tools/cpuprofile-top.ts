/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by area
 * (our engine, ioredis, node internals, GC, idle), to see where a bench child spends its time.
 *
 *   BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=bench/.out/prof" BENCH_SYSTEMS=ours \
 *     BENCH_SCENARIOS=drain BENCH_REPS=1 npm run bench
 *   npx tsx bench/tools/cpuprofile-top.ts bench/.out/prof/<file>.cpuprofile [top=25]
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: tsx bench/tools/cpuprofile-top.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < prof.samples.length; i++)
  self.set(prof.samples[i]!, (self.get(prof.samples[i]!) ?? 0) + (prof.timeDeltas[i] ?? 0));

function area(n: Node): string {
  const { functionName: f, url } = n.callFrame;
  if (f === "(idle)") return "idle (waiting for Redis)";
  if (f === "(garbage collector)") return "GC";
  if (f === "(program)") return "V8/native (program)";
  if (url.includes("/ioredis/")) return "ioredis";
  if (
    url.includes("/@ioredis/") ||
    url.includes("redis-errors") ||
    url.includes("redis-parser") ||
    url.includes("denque") ||
    url.includes("cluster-key-slot")
  )
    return "ioredis deps";
  if (url.includes("/bullmq/")) return "bullmq";
  if (url.includes("/node-resque/")) return "node-resque";
  if (url.includes("/msgpackr/")) return "msgpackr";
  if (url.includes("bench/.out/")) return "bundle (engine + bench glue)";
  if (url.startsWith("node:")) return "node internals";
  if (!url) return "native/builtin";
  return "other";
}

const total = prof.endTime - prof.startTime;
const byArea = new Map<string, number>();
const byFn = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const a = area(n);
  byArea.set(a, (byArea.get(a) ?? 0) + us);
  const key = `${n.callFrame.functionName || "(anonymous)"}  ${n.callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*bench\/\.out\//, "bundle:")}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
}
const pct = (us: number) => ((us / total) * 100).toFixed(1).padStart(5) + " %";
console.log(`profile ${(total / 1e6).toFixed(2)} s, ${prof.samples.length} samples\n\nby area:`);
for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]))
  console.log(`${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${a}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [f, us] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, top))
  console.log(`${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${f}`);
