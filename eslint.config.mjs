/**
 * Lint rules, and the project's layout as import boundaries (docs/architecture.md):
 * - lib/resque is a standalone engine: ioredis, croner and node:* only;
 * - lib/ never reaches up into app/ or components/, nor into Next.js or React;
 * - components/ never import app/, and reach the engine and the database only for types;
 * - server modules of app/ (actions, data readers, route handlers, shared helpers) import no
 *   "use client" component, not even for a type: contracts live in lib/dashboard;
 * - jobs/ and workers/ run outside Next.js.
 * Import cycles are checked by madge (npm run check), which also sees type-only imports.
 */
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** `no-restricted-imports` with these groups, each with the reason shown to whoever breaks it. */
const forbid = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });
const NEXT_REACT = {
  group: ["next", "next/*", "react", "react-dom", "react/*", "server-only"],
  message: "runs outside Next.js: no Next.js or React here",
};
const APP = { group: ["@/app", "@/app/*", "**/app/*"], message: "app/ is the top layer: nothing below imports it" };
const ENGINE_ONLY = {
  regex: "^(?!ioredis$|croner$|node:|\\./|\\.\\./)|^@/(?!lib/resque)",
  message: "lib/resque is a standalone engine: it imports only ioredis, croner, node:* and itself",
};
const NEXT_LINK = {
  group: ["next/link"],
  message: "use @/components/link: the same Link without prefetching every dynamic page it shows",
};
const COMPONENTS = {
  group: ["@/components", "@/components/*"],
  message: "components/ are the UI: server code takes contracts from lib/dashboard",
};

export default tseslint.config(
  {
    ignores: [".next/", "node_modules/", "dist/", "data/", "var/", "bench/.out/", "tests/.artifacts/", "next-env.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-empty": ["error", { allowEmptyCatch: true }],
      // Validators of names, ids and cells match control characters on purpose.
      "no-control-regex": "off",
    },
  },
  {
    // Migrations run against the schema of their own day, not today's types: Kysely<any>, as kysely documents.
    files: ["lib/db/migrate.ts", "lib/db/migrations/**", "tests/integration/db-migrate.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  { files: ["app/**/*.tsx", "components/**/*.{ts,tsx}"], ...reactHooks.configs.flat["recommended-latest"] },
  // Pages and layouts are server components: drawn once per request, so reading the clock there is the point.
  { files: ["app/**/page.tsx", "app/**/layout.tsx"], rules: { "react-hooks/purity": "off" } },
  // One config object per folder depth: a later object's no-restricted-imports replaces an earlier one's.
  {
    files: ["lib/resque/*.ts"],
    rules: forbid(ENGINE_ONLY, { regex: "^\\.\\./", message: "lib/resque imports only itself" }),
  },
  {
    files: ["lib/resque/*/**/*.ts"],
    rules: forbid(ENGINE_ONLY, { regex: "^\\.\\./\\.\\./", message: "lib/resque imports only itself" }),
  },
  { files: ["lib/**/*.ts"], ignores: ["lib/resque/**"], rules: forbid(NEXT_REACT, APP, COMPONENTS) },
  { files: ["jobs/**/*.ts", "workers/**/*.ts"], rules: forbid(NEXT_REACT, APP, COMPONENTS) },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: forbid(APP, NEXT_LINK, {
      group: ["ioredis", "@/lib/resque", "@/lib/resque/*", "@/lib/db", "@/lib/db/*", "@/lib/redis"],
      allowTypeImports: true,
      message: "components run in the browser too: the engine and the database for types only",
    }),
  },
  { files: ["components/link.tsx"], rules: forbid(APP) },
  { files: ["app/**/*.tsx"], rules: forbid(NEXT_LINK) },
  {
    files: ["app/**/*.ts"],
    rules: forbid({
      ...COMPONENTS,
      message: "server modules import no UI, not even a type: contracts live in lib/dashboard",
    }),
  },
);
