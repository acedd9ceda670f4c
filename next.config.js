/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is on Next's built-in server-external list; ioredis stays a plain require too.
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
  // The app's own files only: a half-written test or bench file must not stop `npm start`;
  // \`tsc --noEmit\` (and the test run) still check the whole project.
  typescript: { tsconfigPath: "tsconfig.next.json" },
};

export default nextConfig;
