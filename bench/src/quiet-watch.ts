/**
 * Tells when something watched has stopped moving: fed snapshots of it (a
 * count, topic end offsets) with their time, it answers quiet once the
 * snapshot has not changed for `quietMs`.
 */
export class QuietWatch {
  private last: string | undefined;
  private since = 0;

  constructor(private readonly quietMs: number) {}

  /** Notes a snapshot taken at `at` (ms); true when it has been the same for `quietMs` or more. */
  observe(snapshot: string, at: number): boolean {
    if (snapshot !== this.last) {
      this.last = snapshot;
      this.since = at;
      return false;
    }
    return at - this.since >= this.quietMs;
  }
}
