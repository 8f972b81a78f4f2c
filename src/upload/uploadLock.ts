/** Held by whichever context drains the outbox: one drainer at a time across tabs, workers and the service worker. */
export const UPLOAD_LOCK = 'keepsake-upload'
/** Held by a backup run while it seals (workers/backup.worker.ts) and by a restore. */
export const BACKUP_LOCK = 'keepsake-backup'

/**
 * Runs `work` holding the upload lock (Web Locks). Waits for the lock while another context holds
 * it, unless `ifAvailable` (then returns null at once) or until `signal` aborts (then rejects
 * with its reason). The lock is released when `work` settles, or when this context dies.
 */
export async function withUploadLock<T>(work: () => Promise<T>, opts: { ifAvailable?: boolean; signal?: AbortSignal } = {}): Promise<T | null> {
  if (opts.ifAvailable) return navigator.locks.request(UPLOAD_LOCK, { ifAvailable: true }, (lock) => (lock ? work() : null))
  return navigator.locks.request(UPLOAD_LOCK, { signal: opts.signal }, () => work())
}

/** Whether some context of this origin holds `name` now. */
export async function isLockHeld(name: string): Promise<boolean> {
  const { held } = await navigator.locks.query()
  return (held ?? []).some((lock) => lock.name === name)
}

/** Whether a backup run is sealing now (so more chunks are coming). */
export const backupInProgress = () => isLockHeld(BACKUP_LOCK)
