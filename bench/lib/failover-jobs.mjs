// The job class of bench/failover.ts's worker processes (loaded through APP_INCLUDE, plain JS so
// the bundled worker runs it). Each successful run appends "n startedMs endedMs" to the file
// BENCH_RUN_LOG: a record outside Redis, which a failover that loses Redis's last writes cannot lose.
import { appendFileSync } from "node:fs";

export class FailoverJob {
  static names = ["FailoverJob"];
  static queue = "failover";
  static rerunOnDirtyExit = false;
  constructor(args, job) {
    this.args = args;
    this.job = job;
  }
  async perform() {
    const started = Date.now();
    if (this.args.ms) await new Promise((r) => setTimeout(r, this.args.ms));
    appendFileSync(process.env.BENCH_RUN_LOG, `${this.args.n} ${started} ${Date.now()}\n`);
  }
}

export default [FailoverJob];
