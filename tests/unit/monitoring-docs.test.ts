/**
 * The monitoring examples of docs/monitoring.md hold: the Prometheus alert rules pass
 * `promtool check rules` and fire (and stay quiet) as described under `promtool test rules`;
 * the Grafana dashboard is importable JSON whose queries are valid PromQL on metric names
 * /metrics exports. promtool comes with Debian's prometheus package, which scripts/test.sh installs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const RULES = path.join(ROOT, "docs", "prometheus-alerts.yml");
const GRAFANA = path.join(ROOT, "docs", "grafana-dashboard.json");
const dir = mkdtempSync(path.join(os.tmpdir(), "tsq-promtool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]) {
  const r = spawnSync("promtool", args, { encoding: "utf8", timeout: 30_000 });
  if (r.error)
    throw new Error(`promtool could not run (scripts/test.sh installs Debian's prometheus): ${r.error.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Metric names /metrics exports, read from the module that renders them, histogram series included. */
function exportedNames(): Set<string> {
  const src = readFileSync(path.join(ROOT, "lib", "metrics", "prometheus.ts"), "utf8");
  const names = new Set([...src.matchAll(/"(resque_[a-z_]+)"/g)].map((m) => m[1]!));
  const histogram = /const name = "(resque_[a-z_]+)";/.exec(src)?.[1];
  expect(histogram).toBe("resque_job_duration_seconds");
  for (const s of ["_bucket", "_sum", "_count"]) names.add(histogram + s);
  return names;
}
const usedNames = (exprs: string[]) =>
  new Set(exprs.flatMap((e) => [...e.matchAll(/\bresque_[a-z_]+/g)].map((m) => m[0])));

const SERIES = (labels: string, values: string) => `      - series: '${labels}'\n        values: '${values}'`;
const AT = '{instance="a",job="resque"';

/**
 * Two situations, checked 4 minutes in. 1: failures at 12 a minute, queue "mail" with 5 jobs
 * whose head ages past 300 s, only a dead worker, the leader lock lost after 30 s: the four
 * dashboard-rule alerts fire, once each although two web hosts report the same numbers; Redis is
 * up. 2: a quiet system with a live worker and a leader, whose web host lost Redis: only
 * ResqueRedisDown fires.
 */
const RULE_TESTS = `rule_files: [${JSON.stringify(RULES)}]
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
${["a", "b"]
  .flatMap((host) => {
    const at = `{instance="${host}",job="resque"`;
    return [
      SERIES(`resque_jobs_failed_total${at}}`, "0+3x40"),
      SERIES(`resque_queue_oldest_job_age_seconds${at},queue="mail"}`, "200+15x20"),
      SERIES(`resque_queue_oldest_job_age_seconds${at},queue="low"}`, "10x20"),
      SERIES(`resque_queue_size${at},queue="mail"}`, "5x20"),
      SERIES(`resque_queue_size${at},queue="low"}`, "0x20"),
      SERIES(`resque_workers${at},host="h1",state="dead"}`, "1x20"),
      SERIES(`resque_scheduler_leader${at}}`, "1 1 0x20"),
      SERIES(`resque_redis_up${at}}`, "1x20"),
    ];
  })
  .join("\n")}
    alert_rule_test:
      - eval_time: 4m
        alertname: ResqueFailuresHigh
        exp_alerts:
          - exp_labels: { severity: warning, job: resque }
            exp_annotations:
              summary: "48 jobs failed in the last 5 minutes"
              description: "More than 10 Resque jobs failed within 5 minutes. See the Failed page."
      - eval_time: 4m
        alertname: ResqueQueueTooOld
        exp_alerts:
          - exp_labels: { severity: warning, job: resque, queue: mail }
            exp_annotations:
              summary: "Queue mail: oldest job is 7m 20s old"
              description: "The job at the head of queue mail has waited more than 300 s."
      - eval_time: 4m
        alertname: ResqueQueueWithoutWorker
        exp_alerts:
          - exp_labels: { severity: critical, job: resque, queue: mail }
            exp_annotations:
              summary: "Queue mail has 5 job(s) and no live worker"
              description: "Jobs are waiting in mail and no registered worker is alive."
      - eval_time: 4m
        alertname: ResqueSchedulerNoLeader
        exp_alerts:
          - exp_labels: { severity: critical, job: resque }
            exp_annotations:
              summary: "No Resque scheduler holds the leader lock"
              description: "Delayed jobs, retries and schedules are not enqueued until a scheduler runs (npm run queue -- work, or -- scheduler)."
      - eval_time: 4m
        alertname: ResqueRedisDown
        exp_alerts: []
  - interval: 15s
    input_series:
${[
  SERIES(`resque_jobs_failed_total${AT}}`, "0+0.25x40"),
  SERIES(`resque_queue_oldest_job_age_seconds${AT},queue="mail"}`, "100x20"),
  SERIES(`resque_queue_size${AT},queue="mail"}`, "5x20"),
  SERIES(`resque_workers${AT},host="h1",state="alive"}`, "1x20"),
  SERIES(`resque_workers${AT},host="h2",state="dead"}`, "1x20"),
  SERIES(`resque_scheduler_leader${AT}}`, "1x20"),
  SERIES(`resque_redis_up${AT}}`, "1 1 0x20"),
].join("\n")}
    alert_rule_test:
${["ResqueFailuresHigh", "ResqueQueueTooOld", "ResqueQueueWithoutWorker", "ResqueSchedulerNoLeader"]
  .map((a) => `      - eval_time: 4m\n        alertname: ${a}\n        exp_alerts: []`)
  .join("\n")}
      - eval_time: 4m
        alertname: ResqueRedisDown
        exp_alerts:
          - exp_labels: { severity: critical, instance: a, job: resque }
            exp_annotations:
              summary: "Resque Admin cannot reach Redis"
              description: "a answered /metrics without Redis (resque_redis_up 0)."
`;

describe("docs/prometheus-alerts.yml", () => {
  it("passes promtool check rules, on metric names /metrics exports", () => {
    const r = promtool("check", "rules", RULES);
    expect(r.out).toContain("SUCCESS: 5 rules found");
    expect(r.code).toBe(0);
    const exprs = [...readFileSync(RULES, "utf8").matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!);
    const exported = exportedNames();
    for (const n of usedNames(exprs)) expect(exported, n).toContain(n);
  });

  it("fires each alert when its situation holds and only then (promtool test rules)", () => {
    const file = path.join(dir, "rules.test.yml");
    writeFileSync(file, RULE_TESTS);
    const r = promtool("test", "rules", file);
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });
});

describe("docs/grafana-dashboard.json", () => {
  interface Panel {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    targets?: { expr: string }[];
  }
  const dash = JSON.parse(readFileSync(GRAFANA, "utf8")) as {
    uid: string;
    title: string;
    __inputs: { name: string; pluginId: string }[];
    panels: Panel[];
  };

  it("is an importable dashboard: a Prometheus data source input, unique panel ids, panels inside the 24-column grid", () => {
    expect(dash.uid).toBe("resque-admin");
    expect(dash.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", pluginId: "prometheus" })]);
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dash.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type !== "row") expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it("queries only metrics /metrics exports, in PromQL that promtool accepts", () => {
    const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const exported = exportedNames();
    const used = usedNames(exprs);
    for (const n of used) expect(exported, n).toContain(n);
    // Every metric family of /metrics has a panel, so a new metric without one is noticed.
    const usedFamilies = new Set([...used].map((n) => n.replace(/_(bucket|sum|count)$/, "")));
    for (const n of [...exported].filter((x) => !/_(bucket|sum|count)$/.test(x)))
      expect(usedFamilies, `no panel uses ${n}`).toContain(n);
    // Grafana's variables replaced by what they stand for, each query checked as a recording rule.
    const file = path.join(dir, "grafana-queries.yml");
    const rules = exprs.map(
      (e, i) =>
        `      - record: grafana_panel_query_${i}\n        expr: ${JSON.stringify(e.replaceAll("$__rate_interval", "5m").replaceAll("$job", ".*"))}`,
    );
    writeFileSync(file, `groups:\n  - name: grafana\n    rules:\n${rules.join("\n")}\n`);
    const r = promtool("check", "rules", file);
    expect(r.out).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(r.code).toBe(0);
  });
});
