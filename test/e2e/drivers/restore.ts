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

/**
 * Test instrumentation, not product code: sends the backup "Back up now" staged to the server
 * through the real storage API (`POST /api/chunks/missing`, `PUT /api/chunks/:id` with
 * Content-Digest, `POST /api/snapshots`), the way the upload queue will once it drains the outbox.
 * Does nothing when the server already has the staged snapshot (the queue uploaded it).
 */
export async function uploadStagedBackup(page: Page): Promise<{ snapshotId: string; chunks: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('keepsake-backup')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll()
        request.onsuccess = () => resolve(request.result as T[])
        request.onerror = () => reject(request.error)
      })
    const runs = (await all<{ id: string; state: string; startedAt: number; manifest: Uint8Array | null }>('runs')).filter((r) => r.manifest)
    const run = runs.sort((a, b) => a.startedAt - b.startedAt).at(-1)
    if (!run) throw new Error('no staged backup to upload')
    const chunks = (await all<{ id: string; runId: string; storedSize: number }>('chunks')).filter((c) => c.runId === run.id)
    const listed = (await (await fetch('/api/snapshots')).json()) as { snapshots: { id: string }[] }
    if (listed.snapshots.some((s) => s.id === run.id)) return { snapshotId: run.id, chunks: chunks.length }

    const base64 = (bytes: Uint8Array) => {
      let text = ''
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return btoa(text)
    }
    const staging = await (await navigator.storage.getDirectory()).getDirectoryHandle('keepsake-staging')
    const ids = chunks.map((c) => c.id)
    const { missing } = (await (await fetch('/api/chunks/missing', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) })).json()) as { missing: string[] }
    for (const id of missing) {
      const bytes = await (await (await staging.getFileHandle(id)).getFile()).arrayBuffer()
      const digest = base64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))
      const put = await fetch(`/api/chunks/${id}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-digest': `sha-256=:${digest}:` }, body: bytes })
      if (!put.ok) throw new Error(`PUT chunk ${id}: ${put.status} ${await put.text()}`)
    }
    const manifest = base64(run.manifest!).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    const sizeBytes = chunks.reduce((n, c) => n + c.storedSize, 0)
    const commit = await fetch('/api/snapshots', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: run.id, manifest, chunkIds: ids, sizeBytes }) })
    if (!commit.ok) throw new Error(`POST snapshot: ${commit.status} ${await commit.text()}`)
    db.close()
    return { snapshotId: run.id, chunks: chunks.length }
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
