/**
 * Group commit: `add(item)` resolves once the batch holding the item is committed. The first item
 * is committed at once; items that arrive while a commit is in flight wait for it and then go
 * together in the next one. An idle system adds no delay, and a busy one pays one round trip per
 * batch instead of one per item. A failed commit rejects every item of that batch only.
 *
 * @example
 * const writer = new GroupCommit<Row>((rows) => db.batch(rows.map(insert)), 100);
 * await Promise.all([writer.add(a), writer.add(b)]); // a alone, then b (and whatever came meanwhile)
 */
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly commit: (items: T[]) => Promise<unknown>,
    private readonly maxBatch: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.commit(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = false;
  }
}
