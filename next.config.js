/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is on Next's built-in server-external list; ioredis stays a plain require too.
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
};

export default nextConfig;
