// Exit 0 when a Redis server answers PING at the URL given (or REDIS_URL) within 2 seconds.
import { Redis } from "ioredis";

const url = process.argv[2] || process.env.REDIS_URL || "redis://127.0.0.1:6379";
const redis = new Redis(url, {
  lazyConnect: true,
  connectTimeout: 2000,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
});
redis.on("error", () => {});
try {
  await redis.connect();
  await redis.ping();
  process.exit(0);
} catch {
  process.exit(1);
} finally {
  redis.disconnect();
}
