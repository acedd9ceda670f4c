// The job class the dashboard bench's worker processes drain (loaded through APP_INCLUDE, plain
// JS so the bundled worker runs it without a TypeScript loader). It does nothing, so the drain
// rate is the worker's own Redis work, as in bench/workers/ours.ts.
export class NoopJob {
  static names = ["NoopJob"];
  static queue = "drain";
  static rerunOnDirtyExit = false;
  constructor(args, job) {
    this.args = args;
    this.job = job;
  }
  perform() {}
}

export default [NoopJob];
