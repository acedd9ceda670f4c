/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is on Next's built-in server-external list; ioredis stays a plain require too.
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
  // The app's own files only: a half-written test or bench file must not stop `npm start`.
  // `npm test` runs `npm run check` first, which runs `tsc --noEmit` over the whole project.
  typescript: { tsconfigPath: "tsconfig.next.json" },
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
