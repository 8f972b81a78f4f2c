import { expect, type Locator, type Page } from '@playwright/test'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Settings → Restore by accessible roles and names. */
export class RestoreDriver {
  readonly section: Locator
  readonly progress: Locator
  readonly status: Locator
  readonly alert: Locator
  readonly backups: Locator

  constructor(private readonly page: Page) {
    this.section = page.getByRole('region', { name: 'Restore' })
    this.progress = this.section.getByRole('progressbar', { name: 'Restore progress' })
    this.status = this.section.getByRole('status')
    this.alert = this.section.getByRole('alert')
    this.backups = this.section.getByRole('list', { name: 'Backups' }).getByRole('listitem')
  }

  async open(): Promise<void> {
    await this.page.goto('/#/settings')
    await expect(this.section.getByRole('heading', { name: 'Restore' })).toBeVisible()
  }

  /** "Restore from backup": the account's backups, newest first. */
  async showBackups(): Promise<void> {
    await this.section.getByRole('button', { name: 'Restore from backup' }).click()
    await expect(this.backups.first()).toBeVisible({ timeout: 30_000 })
  }

  /** Starts restoring the newest backup (answers the "already has chats" question with `merge`, if asked). */
  async restoreLatest(): Promise<void> {
    await this.showBackups()
    await this.backups.first().getByRole('button', { name: 'Restore' }).click()
  }

  async waitUntilComplete(timeout = 120_000): Promise<void> {
    await expect(this.status).toHaveText('Restore complete', { timeout })
    await expect(this.progress).toHaveAttribute('aria-valuenow', '100')
  }
}

/** A device's chats as comparable data: every record as stored, Blobs replaced by their SHA-256. */
export interface ChatsFingerprint {
  conversations: Record<string, unknown>[]
  messages: Record<string, unknown>[]
  attachments: Record<string, unknown>[]
}

/** Reads `keepsake-chats` with the browser's own IndexedDB and hashes every attachment's bytes. */
export async function chatsFingerprint(page: Page): Promise<ChatsFingerprint> {
  return page.evaluate(async () => {
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
    const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
    const hash = async (blob: Blob | undefined) => (blob ? hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())) : null)
    const conversations = await all<Record<string, unknown>>('conversations')
    const messages = await all<Record<string, unknown>>('messages')
    const attachments = []
    for (const { blob, thumbnail, ...record } of await all<{ blob: Blob; thumbnail?: Blob } & Record<string, unknown>>('attachments')) {
      attachments.push({ ...record, blob: await hash(blob), thumbnail: await hash(thumbnail) })
    }
    db.close()
    return { conversations, messages, attachments }
  })
}

/** The chunk objects the server keeps on disk for its accounts (FsBlobStore: `blobs/chunks/<account>/<id>-<n>`). */
export class StoredChunks {
  private readonly originals = new Map<string, Buffer>()

  constructor(private readonly dataDir: string) {}

  async files(): Promise<{ path: string; size: number }[]> {
    const root = join(this.dataDir, 'blobs', 'chunks')
    const found: { path: string; size: number }[] = []
    for (const account of await readdir(root)) {
      for (const name of await readdir(join(root, account))) {
        const path = join(root, account, name)
        found.push({ path, size: (await readFile(path)).length })
      }
    }
    return found.sort((a, b) => b.size - a.size || a.path.localeCompare(b.path))
  }

  /** Flips one bit in the middle of the largest stored chunk (an attachment part). */
  async flipByteInLargest(): Promise<void> {
    const [largest] = await this.files()
    const bytes = await this.keep(largest!.path)
    const changed = Buffer.from(bytes)
    changed[Math.floor(changed.length / 2)]! ^= 0x04
    await writeFile(largest!.path, changed)
  }

  /** Deletes the stored object of the smallest chunk (a message page). */
  async deleteSmallest(): Promise<void> {
    const smallest = (await this.files()).at(-1)!
    await this.keep(smallest.path)
    await rm(smallest.path)
  }

  /** Swaps the contents of the two largest chunks. */
  async swapTwoLargest(): Promise<void> {
    const [a, b] = await this.files()
    const [bytesA, bytesB] = [await this.keep(a!.path), await this.keep(b!.path)]
    await writeFile(a!.path, bytesB)
    await writeFile(b!.path, bytesA)
  }

  /** Puts back every file changed since the last repair. */
  async repair(): Promise<void> {
    for (const [path, bytes] of this.originals) await writeFile(path, bytes)
    this.originals.clear()
  }

  private async keep(path: string): Promise<Buffer> {
    const bytes = await readFile(path)
    if (!this.originals.has(path)) this.originals.set(path, bytes)
    return bytes
  }
}
