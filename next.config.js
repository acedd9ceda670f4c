/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is on Next's built-in server-external list; ioredis stays a plain require too.
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
  // The app's own files only: a half-written test or bench file must not stop `npm start`.
  // The test run's build skips the check (NEXT_BUILD_SKIP_TYPES=1, tests/setup/next-build.ts):
  // `npm test` runs `tsc --noEmit` over the whole project beside it (scripts/check.sh) and fails
  // the run on any type error, so checking the app's files twice only cost the build time.
  typescript: {
    tsconfigPath: "tsconfig.next.json",
    ignoreBuildErrors: process.env.NEXT_BUILD_SKIP_TYPES === "1",
  },
};

export default nextConfig;
