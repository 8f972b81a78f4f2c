/**
 * A bound on the verified plaintext a restore holds in memory while it waits for the rest of its
 * attachment: fetching waits while the bound is reached. A request larger than the whole bound is
 * let through alone, so a single chunk never waits forever.
 */
export class ByteWindow {
  private used = 0
  private waiters: (() => void)[] = []
  private closed = false

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new Error('restore: internal error: window capacity')
  }

  async reserve(bytes: number): Promise<void> {
    while (!this.closed && this.used > 0 && this.used + bytes > this.capacity) await new Promise<void>((resolve) => this.waiters.push(resolve))
    this.used += bytes
  }

  release(bytes: number): void {
    if (bytes > this.used) throw new Error('restore: internal error: window release')
    this.used -= bytes
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Lets every waiting and later `reserve` through: the restore stopped and reserves nothing more. */
  close(): void {
    this.closed = true
    this.release(0)
  }

  get held(): number {
    return this.used
  }
}
