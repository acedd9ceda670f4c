/**
 * `COPY (…) TO STDOUT` on a pg client, its rows handed over as the server sends them: pg has no
 * COPY reader of its own, and this is the part of the pg-copy-streams package an export needs.
 * PostgreSQL sends one CopyData message per row, so a row arrives whole (protocol docs, "COPY
 * Operations"); pg parses the messages and calls these handlers (a pg "submittable").
 *
 * Backpressure: `onRow` answers false when its reader is full; the socket is then paused, so the
 * server waits instead of this process buffering the table, and resume() lets it go on.
 */
import type pg from "pg";

/** What of pg's Connection this uses (pg's own type is not exported). */
interface CopyConnection {
  query(text: string): void;
  stream: { pause(): void; resume(): void };
}

export class CopyOut implements pg.Submittable {
  /** Settles when the server has answered the whole COPY (ReadyForQuery) or failed. */
  readonly done: Promise<void>;
  private settle!: (e?: Error) => void;
  private error: Error | undefined;
  private connection: CopyConnection | undefined;
  private paused = false;

  /**
   * `text` is sent as a simple query (COPY takes no bound parameters; see inlineParameters);
   * `onRow` gets each row's bytes (valid until it returns) and false pauses the socket.
   */
  constructor(
    private readonly text: string,
    private readonly onRow: (row: Buffer) => boolean,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (e) => (e ? reject(e) : resolve());
    });
    this.done.catch(() => undefined);
  }

  submit(connection: unknown): void {
    this.connection = connection as CopyConnection;
    this.connection.query(this.text);
  }

  /** Lets the server send again after onRow answered false. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.connection?.stream.resume();
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (!this.onRow(msg.chunk) && !this.paused) {
      this.paused = true;
      this.connection!.stream.pause();
    }
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}

  /** A server error is followed by ReadyForQuery; a lost connection is not: settle at once either way. */
  handleError(err: Error): void {
    this.error = err;
    this.resume();
    this.settle(err);
  }

  handleReadyForQuery(): void {
    this.settle(this.error);
  }
}

/**
 * A compiled query's SQL with its parameters written in as literals, for COPY, which takes none:
 * strings through pg's escapeLiteral (the libpq rules), finite numbers as numbers, null as NULL;
 * anything else is refused rather than guessed at. `$n` occurs in kysely's SQL only as a
 * parameter: every literal of ours is a parameter, none is spelled inside the SQL text.
 */
export function inlineParameters(
  sqlText: string,
  parameters: readonly unknown[],
  escapeLiteral: (s: string) => string,
): string {
  return sqlText.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= parameters.length) throw new Error(`no parameter ${n} in the query`);
    const v = parameters[i];
    if (v === null) return "null";
    if (typeof v === "string") return escapeLiteral(v);
    if (typeof v === "number" && Number.isFinite(v)) return `(${String(v)})`;
    throw new Error(`parameter ${n} (${typeof v}) cannot be written into the COPY query`);
  });
}
