/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is on Next's built-in server-external list; ioredis stays a plain require too.
  // @aws-sdk/client-s3 is on that list too; lib-storage (S3 export uploads) joins it.
  serverExternalPackages: ["ioredis", "@aws-sdk/lib-storage"],
  poweredByHeader: false,
  // The app's own files only: a half-written test or bench file must not stop `npm start`.
  // The test run's build skips the check (NEXT_BUILD_SKIP_TYPES=1, tests/setup/next-build.ts):
  // `npm test` runs `tsc --noEmit` over the whole project beside it (scripts/check.sh) and fails
  // the run on any type error, so checking the app's files twice only cost the build time.
  typescript: {
    tsconfigPath: "tsconfig.next.json",
    ignoreBuildErrors: process.env.NEXT_BUILD_SKIP_TYPES === "1",
  },
  // On every response, build assets and public/ files included; proxy.ts sets them (and the
  // CSP and Cache-Control) on everything else too. Values as in lib/web/headers.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
