import { expect, type Download, type Locator, type Page } from '@playwright/test'
import { readFile } from 'node:fs/promises'

export interface FileToAttach {
  name: string
  mimeType: string
  buffer: Buffer
}

/** The messenger as a person uses it: locators by role and accessible name, and the verbs of the stories. */
export class ChatApp {
  constructor(readonly page: Page) {}

  async open(path = '/'): Promise<void> {
    await this.page.goto(path)
    await expect(this.page.getByRole('heading', { name: 'Keepsake', level: 1 })).toBeVisible()
  }

  /** Resolves once the service worker is active, so the app shell is precached for offline use. */
  async waitUntilOfflineReady(): Promise<void> {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
  }

  get conversations(): Locator {
    return this.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link')
  }

  conversation(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: new RegExp(`^${escapeRegExp(name)}\\b`) })
  }

  /** The open conversation's title. */
  get title(): Locator {
    return this.page.getByRole('main').getByRole('heading', { level: 2 })
  }

  get messageList(): Locator {
    return this.page.getByRole('list', { name: 'Messages' })
  }

  get messages(): Locator {
    return this.messageList.getByRole('listitem')
  }

  message(text: string | RegExp): Locator {
    return this.messages.filter({ hasText: text })
  }

  get messageBox(): Locator {
    return this.page.getByRole('textbox', { name: 'Message' })
  }

  async newChat(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New chat' }).click()
    const dialog = this.page.getByRole('dialog', { name: 'New chat' })
    await dialog.getByRole('textbox', { name: 'Chat name' }).fill(name)
    await dialog.getByRole('button', { name: 'Create' }).click()
    await expect(this.title).toHaveText(name)
  }

  async openChat(name: string): Promise<void> {
    await this.conversation(name).click()
    await expect(this.title).toHaveText(name)
  }

  async send(text: string): Promise<void> {
    await this.messageBox.fill(text)
    await this.page.getByRole('button', { name: 'Send' }).click()
    await expect(this.message(text)).toBeVisible()
  }

  async attach(files: FileToAttach[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser')
    await this.page.getByRole('button', { name: 'Attach file' }).click()
    await (await chooser).setFiles(files)
  }

  photo(name: string): Locator {
    return this.page.getByRole('button', { name: `Open photo ${name}` })
  }

  async download(name: string): Promise<Buffer> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('button', { name: `Download ${name}` }).click(),
    ])
    return readDownload(download)
  }

  async deleteMessage(text: string): Promise<void> {
    await this.message(text).getByRole('button', { name: 'Delete message' }).click()
    await this.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete' }).click()
  }

  async deleteChat(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Delete chat' }).click()
    await this.page.getByRole('dialog', { name: `Delete “${name}”?` }).getByRole('button', { name: 'Delete' }).click()
  }

  get searchBox(): Locator {
    return this.page.getByRole('searchbox', { name: 'Search messages' })
  }

  get searchResults(): Locator {
    return this.page.getByRole('region', { name: 'Search results' }).getByRole('link')
  }

  async openSettings(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings' }).click()
    await expect(this.page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  }

  /** Settings → Sample data with a size preset, waiting until it is written. */
  async generateSampleData(preset: string): Promise<string> {
    await this.openSettings()
    await this.page.getByRole('radio', { name: preset }).check()
    await this.page.getByRole('button', { name: 'Generate sample data' }).click()
    const status = this.page.getByRole('status').filter({ hasText: /^(Done|Stopped)/ })
    await expect(status).toBeVisible({ timeout: 120_000 })
    return (await status.textContent()) ?? ''
  }

  /**
   * Writes a conversation of `count` messages straight into IndexedDB, using the chats database's own
   * store names and record shape (docs/APP.md), then reloads so the app reads it. Messages are
   * "Message number 1" … "Message number <count>"; numbers ½, 1½, 2½ … × `markerEvery` also contain the
   * word "needle" (the newest message never does).
   */
  async seedConversation(name: string, count: number, opts: { markerEvery?: number; unread?: number } = {}): Promise<void> {
    const { markerEvery = 10_000, unread = 0 } = opts
    await this.page.evaluate(
      async ({ name, count, markerEvery, unread }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open('keepsake-chats')
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error)
        })
        const hex = () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0')
        const id = (t: number) => `${t.toString(36).padStart(9, '0')}-${hex()}${hex()}`
        const start = Date.now() - count * 60_000
        const conversationId = id(start)
        const tx = db.transaction(['conversations', 'messages'], 'readwrite')
        const messages = tx.objectStore('messages')
        let last = ''
        for (let i = 0; i < count; i++) {
          const createdAt = start + i * 60_000
          const text = `Message number ${i + 1}` + ((i + 1) % markerEvery === Math.floor(markerEvery / 2) ? ' with a needle in it' : '')
          messages.put({
            id: id(createdAt),
            conversationId,
            createdAt,
            author: i % 3 === 0 ? 'me' : name,
            text,
            attachments: [],
            words: [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])],
            seq: i,
          })
          last = text
        }
        tx.objectStore('conversations').put({
          id: conversationId,
          name,
          createdAt: start,
          updatedAt: start + (count - 1) * 60_000,
          lastMessageText: last,
          unread,
          nextSeq: count,
        })
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve()
          tx.onerror = () => reject(tx.error)
        })
        db.close()
      },
      { name, count, markerEvery, unread },
    )
    await this.page.reload()
  }

  /** The first photo with a thumbnail stored in the chats database, read straight from IndexedDB. */
  async storedPhoto(): Promise<{ conversationId: string; messageId: string; name: string }> {
    return this.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('keepsake-chats')
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      const all = await new Promise<{ conversationId: string; messageId: string; name: string; type: string; thumbnail?: Blob }[]>((resolve, reject) => {
        const request = db.transaction('attachments').objectStore('attachments').getAll()
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      db.close()
      const photo = all.find((a) => a.type.startsWith('image/') && a.thumbnail)
      if (!photo) throw new Error('no photo with a thumbnail is stored')
      return { conversationId: photo.conversationId, messageId: photo.messageId, name: photo.name }
    })
  }

  /** Scrolls the message list to its very top, as dragging the scrollbar up would. */
  async scrollToOldest(): Promise<void> {
    await this.messageList.evaluate((el) => el.scrollTo({ top: 0 }))
  }
}

async function readDownload(download: Download): Promise<Buffer> {
  const path = await download.path()
  return readFile(path)
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
