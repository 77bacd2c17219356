/** Every 64 MiB: a flush then takes tens of milliseconds, and a 2 GB file needs about 30 of them. */
const FLUSH_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * Flushes a file to disk while it is still being written, so that the fsync
 * an atomic write ends with finds little left to do.
 *
 * The kernel keeps written pages in memory until something forces them out:
 * files under a few GB are written out only by the final fsync, and the
 * writer waits for the disk to take all of them at once. In the bench's
 * large run (5M rows), the fsyncs of its two CSV outputs of 1.6 and 1.9 GB
 * waited 0.44 to 0.82 s each, time in which the run did nothing else. Starting a
 * `datasync` every `everyBytes` lets the disk take the file while the rest
 * is encoded; the final fsyncs then took 0.05 to 0.25 s. (PostgreSQL's
 * `*_flush_after` settings do the same for its data files.)
 *
 * At most one flush is in flight: the next starts once `everyBytes` more have
 * been written after it settled. Files smaller than `everyBytes` are never
 * flushed early. A failed flush is thrown by the next `wrote`, so the writer
 * stops there rather than encode the rest of a file that cannot be stored
 * (a disk that fails a flush would most likely fail the final fsync too).
 */
export class FlushBehind {
  #unflushed = 0;
  #flushing: Promise<void> | undefined;
  #failure: { readonly error: unknown } | undefined;

  /** Only `datasync` is used: the file handle the bytes go to. */
  constructor(
    private readonly file: { datasync(): Promise<void> },
    private readonly everyBytes: number = FLUSH_EVERY_BYTES,
  ) {}

  /**
   * Counts `bytes` more handed to the file; starts a flush in the background
   * when enough are waiting. Throws the failure of an earlier flush.
   */
  wrote(bytes: number): void {
    if (this.#failure !== undefined) throw this.#failure.error;
    this.#unflushed += bytes;
    if (this.#unflushed < this.everyBytes || this.#flushing !== undefined) return;
    this.#unflushed = 0;
    // Never awaited here: the writer goes on while the disk works. A failure is kept for the next `wrote` or `settle`.
    this.#flushing = this.file.datasync().then(
      () => {
        this.#flushing = undefined;
      },
      (error: unknown) => {
        this.#failure = { error };
        this.#flushing = undefined;
      },
    );
  }

  /** Waits for the flush in flight, if any; rejects with a flush's failure. */
  async settle(): Promise<void> {
    await this.#flushing;
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
