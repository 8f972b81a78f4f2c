/** The part of a global scope connectivity needs: a page's `window` or a service worker's `self` has both. */
interface ConnectivityScope {
  navigator?: { onLine?: boolean }
  addEventListener?: (type: 'online' | 'offline', listener: () => void) => void
  removeEventListener?: (type: 'online' | 'offline', listener: () => void) => void
}

/**
 * Whether this context believes the network is there. Pages and service workers get `online` and
 * `offline` events; dedicated workers get none and see `navigator.onLine` change late
 * (BROWSER-FACTS), so there the page forwards what it sees through `set()`, which then wins. A
 * failed `fetch` is judged by the drainer: offline when this says so, an unreachable server otherwise.
 */
export class Connectivity {
  private forwarded: boolean | null = null
  private readonly listeners = new Set<(online: boolean) => void>()
  private readonly notify = () => {
    for (const listener of [...this.listeners]) listener(this.online)
  }

  constructor(private readonly scope: ConnectivityScope = globalThis as ConnectivityScope) {
    scope.addEventListener?.('online', this.notify)
    scope.addEventListener?.('offline', this.notify)
  }

  get online(): boolean {
    return this.forwarded ?? this.scope.navigator?.onLine ?? true
  }

  /** What the page saw, forwarded to a context without connectivity events. */
  set(online: boolean): void {
    const changed = online !== this.online
    this.forwarded = online
    if (changed) this.notify()
  }

  /** Calls `listener` on every change; returns the unsubscribe. */
  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resolves once online (at once if already), or when `signal` aborts. */
  whenOnline(signal?: AbortSignal): Promise<void> {
    if (this.online || signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        off()
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const off = this.onChange((online) => online && done())
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  dispose(): void {
    this.scope.removeEventListener?.('online', this.notify)
    this.scope.removeEventListener?.('offline', this.notify)
    this.listeners.clear()
  }
}
