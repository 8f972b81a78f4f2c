import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'

/** What a search of the staging area found: how many bytes it holds and which plaintexts appear in them. */
export interface StagingSearch {
  objects: number
  bytes: number
  /** Slot files in the origin private file system (`keepsake-staging/`). */
  files: number
  found: string[]
}

/**
 * Settings → Backup by accessible roles and names, the server's list of snapshots as the page
 * sees it, and a look into the staging area (OPFS slot files in `keepsake-staging/`, or IndexedDB) the way an uploader would see it.
 */
export class BackupDriver {
  readonly section: Locator
  readonly progress: Locator
  readonly status: Locator
  readonly alert: Locator

  constructor(private readonly page: Page) {
    this.section = page.getByRole('region', { name: 'Backup' })
    this.progress = this.section.getByRole('progressbar', { name: 'Backup progress' })
    this.status = this.section.getByRole('status')
    this.alert = this.section.getByRole('alert')
  }

  async backUpNow(): Promise<void> {
    await this.section.getByRole('button', { name: 'Back up now' }).click()
  }

  /** Settings → Backup → "Automatic backups": Off, Daily or Soon after changes. */
  async setAutomatic(schedule: 'Off' | 'Daily' | 'Soon after changes'): Promise<void> {
    const select = this.section.getByRole('combobox', { name: 'Automatic backups' })
    await select.selectOption({ label: schedule })
    const value = await select.inputValue()
    // Kept on the device: wait until it is stored, so leaving the page right after cannot lose it.
    await expect
      .poll(() =>
        this.page.evaluate(async () => {
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const request = indexedDB.open('keepsake-backup')
            request.onsuccess = () => resolve(request.result)
            request.onerror = () => reject(request.error)
          })
          const row = await new Promise<{ automatic?: string } | undefined>((resolve) => {
            const request = db.transaction('settings').objectStore('settings').get('settings')
            request.onsuccess = () => resolve(request.result as { automatic?: string } | undefined)
          })
          db.close()
          return row?.automatic
        }),
      )
      .toBe(value)
  }

  /** Waits until the status line says the backup is on the server ("Backed up …") and returns it. */
  async waitUntilBackedUp(timeout = 90_000): Promise<string> {
    const done = this.status.filter({ hasText: /^Backed up / })
    await expect(done).toBeVisible({ timeout })
    await expect(this.progress).toHaveAttribute('aria-valuenow', '100')
    return (await done.textContent()) ?? ''
  }

  /** Waits until `runs` backup runs have read and sealed everything (their chunks may still wait to upload). */
  async waitUntilSealed(runs = 1, timeout = 90_000): Promise<void> {
    await expect
      .poll(
        () =>
          this.page.evaluate(async () => {
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const request = indexedDB.open('keepsake-backup')
              request.onsuccess = () => resolve(request.result)
              request.onerror = () => reject(request.error)
            })
            const runs = await new Promise<{ state: string }[]>((resolve, reject) => {
              const request = db.transaction('runs').objectStore('runs').getAll()
              request.onsuccess = () => resolve(request.result as { state: string }[])
              request.onerror = () => reject(request.error)
            })
            db.close()
            return runs.filter((run) => run.state === 'staged').length
          }),
        { timeout },
      )
      .toBe(runs)
  }

  /** The account's snapshots as the server lists them (through the page, with its session). */
  async serverSnapshots(): Promise<{ id: string; sizeBytes: number; chunkCount: number }[]> {
    return this.page.evaluate(async () => ((await (await fetch('/api/snapshots')).json()) as { snapshots: { id: string; sizeBytes: number; chunkCount: number }[] }).snapshots)
  }

  /** Some message texts and 64-byte slices of attachments straight from the chats database. */
  async knownPlaintexts(): Promise<{ texts: string[]; slices: number[][] }> {
    return this.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('keepsake-chats')
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      const all = <T>(store: string) =>
        new Promise<T[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll()
          request.onsuccess = () => resolve(request.result as T[])
          request.onerror = () => reject(request.error)
        })
      const messages = await all<{ text: string }>('messages')
      const attachments = await all<{ blob: Blob }>('attachments')
      db.close()
      const texts = [...new Set(messages.map((m) => m.text).filter((t) => t.length >= 24))].slice(0, 40)
      const slices: number[][] = []
      for (const a of attachments.filter((x) => x.blob.size >= 256).slice(0, 20)) {
        const at = Math.floor(a.blob.size / 2)
        slices.push([...new Uint8Array(await a.blob.slice(at, at + 64).arrayBuffer())])
      }
      return { texts, slices }
    })
  }

  /**
   * Reads the staging area as an uploader would (every object a `staged` or `uploading` row names:
   * a slice of an OPFS slot file, or an IndexedDB Blob) and searches every byte the area holds on
   * disk (whole slot files, all IndexedDB objects) for `needles` (UTF-8 texts or byte slices).
   */
  async searchStaged(needles: { texts: string[]; slices: number[][] }): Promise<StagingSearch> {
    return this.page.evaluate(async ({ texts, slices }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('keepsake-backup')
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      const all = <T,>(store: string) =>
        new Promise<T[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll()
          request.onsuccess = () => resolve(request.result as T[])
          request.onerror = () => reject(request.error)
        })
      const idbObjects = new Map((await all<{ id: string; object: Blob }>('staged')).map((row) => [row.id, row.object]))
      const rows = (await all<{ id: string; state: string; storedSize: number; slot?: number; offset?: number }>('chunks')).filter((row) => row.state === 'staged' || row.state === 'uploading')
      db.close()
      const slotFiles = new Map<string, File>()
      try {
        const directory = await (await navigator.storage.getDirectory()).getDirectoryHandle('keepsake-staging')
        for await (const [name, handle] of (directory as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) slotFiles.set(name, await handle.getFile())
      } catch (e) {
        if ((e as { name?: string }).name !== 'NotFoundError') throw e
      }
      let objects = 0
      let bytes = 0
      for (const row of rows) {
        const object = row.slot === undefined ? idbObjects.get(row.id) : slotFiles.get(`slot-${row.slot}`)?.slice(row.offset!, row.offset! + row.storedSize)
        if (!object || object.size !== row.storedSize) continue
        objects++
        bytes += object.size
      }
      const patterns = [...texts.map((t) => ({ label: t, bytes: new TextEncoder().encode(t) })), ...slices.map((s, i) => ({ label: `attachment slice ${i}`, bytes: new Uint8Array(s) }))]
      const found = new Set<string>()
      for (const blob of [...idbObjects.values(), ...slotFiles.values()]) {
        const haystack = new Uint8Array(await blob.arrayBuffer())
        for (const { label, bytes: needle } of patterns) {
          outer: for (let i = haystack.indexOf(needle[0]!); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(needle[0]!, i + 1)) {
            for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
            found.add(label)
            break
          }
        }
      }
      return { objects, bytes, files: slotFiles.size, found: [...found] }
    }, needles)
  }
}

/** Waits for the status line of a finished backup (on the server) and returns it. */
export async function finishedStatus(backup: BackupDriver): Promise<string> {
  return backup.waitUntilBackedUp()
}

/** Settings → Sample data with an exact size of photos and files (MiB), waiting until it is written. */
export async function generateSampleMiB(page: Page, mib: number): Promise<string> {
  await page.getByRole('button', { name: 'Settings' }).click()
  await page.getByRole('spinbutton', { name: 'Size in MiB' }).fill(String(mib))
  await page.getByRole('button', { name: 'Generate sample data' }).click()
  const status = page.getByRole('status').filter({ hasText: /^(Done|Stopped)/ })
  await expect(status).toBeVisible({ timeout: 120_000 })
  return (await status.textContent()) ?? ''
}

/** The account's snapshots as the server lists them, asked with the browser's cookies but no page open. */
export async function snapshotsOnServer(request: APIRequestContext, baseURL: string): Promise<{ id: string; sizeBytes: number; chunkCount: number }[]> {
  const response = await request.get(`${baseURL}/api/snapshots`)
  if (!response.ok()) throw new Error(`GET /api/snapshots answered ${response.status()}`)
  return ((await response.json()) as { snapshots: { id: string; sizeBytes: number; chunkCount: number }[] }).snapshots
}
