/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is on Next's built-in server-external list; ioredis stays a plain require too.
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
  // The app's own files only: a half-written test or bench file must not stop `npm start`.
  // `npm test` runs `npm run check` first, which runs `tsc --noEmit` over the whole project.
  typescript: { tsconfigPath: "tsconfig.next.json" },
};

export default nextConfig;
