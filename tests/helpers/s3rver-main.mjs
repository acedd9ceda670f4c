// A real S3-compatible server for the tests (the s3rver npm package) as a process of its own:
// stores in the folder given as argv[2], listens on a free loopback port and prints
// `{"port":N}` once it accepts requests. Stopped by its pid (SIGTERM).
import S3rver from "s3rver";

const server = new S3rver({ address: "127.0.0.1", port: 0, directory: process.argv[2], silent: true });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
// Nothing to flush (each request is stored before it is answered), and a graceful close would
// wait for idle keep-alive connections.
const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Exits with the test process too (stdin is a pipe from it).
process.stdin.on("end", stop).resume();
