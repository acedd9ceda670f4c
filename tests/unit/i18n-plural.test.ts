import { describe, expect, it } from "vitest";
import { translator, type MessageKey } from "@/lib/i18n";
import { messages } from "@/lib/i18n/messages";

const en = translator("en");
const zh = translator("zh-CN");

describe("plural messages", () => {
  it("picks one/other by the locale's plural rules, with # as the count", () => {
    expect(en("demo.products.deleted", { count: 1 })).toBe("Deleted 1 product.");
    expect(en("demo.products.deleted", { count: 2 })).toBe("Deleted 2 products.");
    expect(en("demo.products.deleted", { count: 0 })).toBe("Deleted 0 products.");
    expect(en("demo.products.deleted", { count: 12_345 })).toBe("Deleted 12,345 products.");
    expect(en("demo.products.deleteQuestion", { count: 1 })).toBe(
      "Delete the selected product? This cannot be undone.",
    );
    expect(zh("demo.products.deleted", { count: 1 })).toBe("已删除 1 个商品。");
    expect(zh("demo.products.deleted", { count: 3 })).toBe("已删除 3 个商品。");
  });

  it("fills values inside a branch, prefers an exact =N branch, and reads a formatted count", () => {
    expect(en("failed.jobs.class", { count: 1, class: "SendEmail" })).toBe("1 failed SendEmail job");
    expect(en("failed.msg.cleared", { count: 4, list: "failed" })).toBe("Cleared failed: 4 failures removed.");
    expect(en("queue.removeQueueConfirm", { count: 0, queue: "mail" })).toBe("Remove the empty queue mail?");
    expect(en("queue.removeQueueConfirm", { count: 1, queue: "mail" })).toBe("Remove the queue mail and its 1 job?");
    expect(zh("failed.retryAll", { count: 1 })).toBe("重试这 1 条");
    expect(zh("failed.retryAll", { count: 7 })).toBe("全部重试（7 条）");
    expect(en("stats.keys.bytes", { n: "1,024" })).toBe("1,024 bytes");
    expect(en("stats.keys.bytes", { n: 1 })).toBe("1 byte");
  });

  it("has an `other` branch and balanced braces in every plural message of both languages", () => {
    for (const locale of ["en", "zh-CN"] as const) {
      const t = translator(locale);
      for (const [key, text] of Object.entries(messages[locale])) {
        if (!text.includes(", plural,")) continue;
        expect(text, `${locale} ${key}`).toMatch(/other \{/);
        let depth = 0;
        for (const ch of text) depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
        expect(depth, `${locale} ${key}`).toBe(0);
        // Every count reads without leftover syntax once filled.
        for (const n of [0, 1, 2, 1000]) {
          // Every placeholder the message names gets the count (a name, a list or a number alike).
          const vars = Object.fromEntries([...text.matchAll(/\{(\w+)/g)].map((m) => [m[1]!, n]));
          const out = t(key as MessageKey, vars);
          expect(out, `${locale} ${key} ${n}`).not.toMatch(/plural|[{}#]/);
        }
      }
    }
  });

  it("leaves no English count message that would read '1 <plural noun>'", () => {
    // The words a count message used to get wrong ("Deleted 1 products."): each must branch.
    const countNoun =
      /\{(count|n|due)\} (jobs|products|notifications|failures|keys|bytes|items|members|fields|entries|users|e-mails)\b/;
    const offenders = Object.entries(messages.en).filter(([, text]) => countNoun.test(text) && !/plural,/.test(text));
    expect(offenders).toEqual([]);
  });

  it("puts no space after Chinese full-width punctuation between two sentences", () => {
    expect(zh("sentence.gap")).toBe("");
    expect(en("sentence.gap")).toBe(" ");
  });
});

describe("audit actions in words", () => {
  it("has words in both languages for every action name the app records", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const path = await import("node:path");
    const files = (readdirSync("app", { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(path.join("app", f), "utf8"));
    // `action: "queue.clear"` and the names an action picks per input (`? "schedule.enable" : …`).
    const names = new Set<string>();
    for (const src of files)
      for (const m of src.matchAll(/action: (?:\([^)]*\) =>[^\n]*|"[^"]+")/g))
        for (const n of m[0].matchAll(/"([a-z]+(?:\.[a-z_-]+)+)"/g)) names.add(n[1]!);
    expect(names.size).toBeGreaterThan(30);
    for (const n of names) {
      expect(messages.en, n).toHaveProperty([`auditAction.${n}`]);
      expect(messages["zh-CN"], n).toHaveProperty([`auditAction.${n}`]);
    }
  });
});
