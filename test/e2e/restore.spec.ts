import type { Page } from '@playwright/test'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SampleRandom } from '../../src/db/SampleRandom'
import { samplePhoto } from '../../src/db/samplePng'
import { AccountDriver } from './drivers/account'
import { BackupDriver } from './drivers/backup'
import { ChatApp } from './drivers/chat'
import { chatsFingerprint, RestoreDriver, StoredChunks, type ChatsFingerprint } from './drivers/restore'
import { expect, test } from './fixtures'

/** Deterministic, incompressible-looking bytes: a file of several MB that restores byte for byte. */
function generatedFile(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size)
  let x = seed * 2654435761 + 1
  for (let i = 0; i < size; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    out[i] = x & 0xff
  }
  return out
}

const VIDEO_BYTES = 9 * 1024 * 1024 + 123

/**
 * Device A: sample chats with photos and files, a 9 MB file sent in a chat of its own, an account
 * (its recovery key returned) and a backup on the server. Returns what the device holds.
 */
async function deviceWithBackup(page: Page, videoBytes = VIDEO_BYTES): Promise<{ original: ChatsFingerprint; recoveryKey: string; chunks: number }> {
  const app = new ChatApp(page)
  const account = new AccountDriver(page)
  const backup = new BackupDriver(page)
  await app.open()
  await app.waitUntilOfflineReady()
  await expect(await app.generateSampleData('Small (a few chats)')).toMatch(/^Done/)
  await page.goto('/')
  await app.newChat('Trip to Lisbon')
  // By path: a 40 MB buffer through the protocol takes longer than an action may.
  const dir = await mkdtemp(join(tmpdir(), 'keepsake-files-'))
  const [video, photo] = [join(dir, 'lisbon-video.mp4'), join(dir, 'tram.png')]
  await writeFile(video, generatedFile(videoBytes, 7))
  await writeFile(photo, samplePhoto(new SampleRandom(21), 1200, 900))
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Attach file' }).click()
  await (await chooser).setFiles([video, photo])
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(page.getByRole('button', { name: 'Download lisbon-video.mp4' })).toBeVisible()
  await expect(app.photo('tram.png').getByRole('img', { name: 'tram.png' })).toBeVisible()
  await account.open()
  const recoveryKey = await account.createAccount('Ada')
  await account.confirmRecoveryKeySaved()
  await backup.backUpNow()
  await backup.waitUntilBackedUp()
  const [snapshot] = await backup.serverSnapshots()
  return { original: await chatsFingerprint(page), recoveryKey, chunks: snapshot!.chunkCount }
}

test.describe('restoring on another device', () => {
  test('after a passkey sign-in, every chat, message and attachment comes back identical, and works offline', async ({ page, authenticator, device, network, server }) => {
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const app = new ChatApp(page)
    const { original } = await test.step('Ada backs up her chats on her laptop', () => deviceWithBackup(page))
    expect(original.attachments.length).toBeGreaterThanOrEqual(2)
    expect(original.attachments.some((a) => a.thumbnail), 'a photo with its thumbnail').toBe(true)

    await test.step('on her new phone (same synced passkey, empty storage) she signs in with the passkey', async () => {
      await device.wipe()
      await account.open()
      await account.signIn()
    })

    await test.step('"Restore from backup" lists the backup with the device that made it, newest first', async () => {
      await restore.showBackups()
      await expect(restore.backups).toHaveCount(1)
      await expect(restore.backups.first()).toContainText(/From Chrome on Linux/)
      await expect(restore.backups.first()).toContainText(/7 chats/)
    })

    await test.step('she restores it: messages first, then photos and files, until "Restore complete"', async () => {
      await restore.backups.first().getByRole('button', { name: 'Restore' }).click()
      await restore.waitUntilComplete()
      await expect(restore.alert).toHaveCount(0)
    })

    await test.step('every conversation, message and attachment is identical (attachment bytes by SHA-256)', async () => {
      expect(await chatsFingerprint(page)).toEqual(original)
    })

    await test.step('the phone backs up too, continuing from the restored backup: nothing is uploaded again', async () => {
      const backup = new BackupDriver(page)
      const chunkUploads = () => server.logs.split('\n').filter((line) => line.includes('"method":"PUT"') && line.includes('"path":"/api/chunks/')).length
      const uploadedBefore = chunkUploads()
      expect(uploadedBefore, 'device A uploaded its chunks').toBeGreaterThan(5)
      await backup.backUpNow()
      await backup.waitUntilBackedUp()
      // The restored backup counts as backed up at once; the phone's own one is done once the server lists it.
      await expect.poll(async () => (await backup.serverSnapshots()).length, { timeout: 60_000 }).toBe(2)
      const [phone, laptop] = await backup.serverSnapshots()
      expect(phone!.chunkCount).toBe(laptop!.chunkCount)
      expect(chunkUploads()).toBe(uploadedBefore)
    })

    await test.step('the restored chats work offline', async () => {
      await app.open()
      await app.waitUntilOfflineReady()
      await network.goOffline()
      await page.reload()
      await app.openChat('Trip to Lisbon')
      await expect(app.photo('tram.png').getByRole('img', { name: 'tram.png' })).toBeVisible()
      const video = await app.download('lisbon-video.mp4')
      expect(video.equals(generatedFile(VIDEO_BYTES, 7))).toBe(true)
      await network.goOnline()
    })
  })

  test('with the recovery key instead of a passkey, the restore is the same', async ({ page, authenticator, device }) => {
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const { original, recoveryKey } = await test.step('Ada backs up her chats', () => deviceWithBackup(page))

    await test.step('on a new device she types her recovery key', async () => {
      await device.wipe()
      await account.open()
      await account.unlockWithRecoveryKey(recoveryKey)
      await expect(account.button('Sign out')).toBeVisible()
    })

    await test.step('and restores the backup, identical', async () => {
      await restore.restoreLatest()
      await restore.waitUntilComplete()
      expect(await chatsFingerprint(page)).toEqual(original)
    })
  })
})

/** Whatever the device shows is whole: every conversation it has holds all its messages as backed up, every attachment its exact bytes. */
function expectNothingHalfShown(shown: ChatsFingerprint, original: ChatsFingerprint): void {
  const byId = <T extends Record<string, unknown>>(rows: T[]) => new Map(rows.map((r) => [r.id as string, r]))
  const originalMessages = byId(original.messages)
  for (const conversation of shown.conversations) {
    const mine = shown.messages.filter((m) => m.conversationId === conversation.id)
    const theirs = original.messages.filter((m) => m.conversationId === conversation.id)
    expect(mine, `messages of “${String(conversation.name)}”`).toEqual(theirs)
  }
  for (const message of shown.messages) expect(shown.conversations.some((c) => c.id === message.conversationId), 'no message without its conversation').toBe(true)
  const originalAttachments = byId(original.attachments)
  for (const attachment of shown.attachments) expect(attachment).toEqual(originalAttachments.get(attachment.id as string))
  expect(originalMessages.size).toBeGreaterThan(0)
}

test.describe('restoring onto a device that already has chats', () => {
  test('asks first, and keeps the chats written on this device', async ({ page, authenticator, device }) => {
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const app = new ChatApp(page)
    const { original } = await test.step('Ada backs up her chats', () => deviceWithBackup(page))

    await test.step('on a new device she writes a chat before restoring', async () => {
      await device.wipe()
      await app.open()
      await app.newChat('Notes to self')
      await app.send('Buy film for the camera')
      await account.open()
      await account.signIn()
    })

    const dialog = page.getByRole('dialog', { name: 'This device already has chats' })
    await test.step('choosing a backup asks first; Cancel restores nothing', async () => {
      await restore.restoreLatest()
      await expect(dialog).toContainText('This device has 1 chat.')
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await expect(dialog).toBeHidden()
      await expect(restore.progress).toHaveCount(0)
      expect((await chatsFingerprint(page)).conversations).toHaveLength(1)
    })

    await test.step('"Restore and keep both" adds the backup and keeps her new chat', async () => {
      await restore.backups.first().getByRole('button', { name: 'Restore' }).click()
      await dialog.getByRole('button', { name: 'Restore and keep both' }).click()
      await restore.waitUntilComplete()
      const merged = await chatsFingerprint(page)
      const local = merged.conversations.filter((c) => c.name === 'Notes to self')
      expect(local).toHaveLength(1)
      expect(merged.messages.filter((m) => m.conversationId === local[0]!.id).map((m) => m.text)).toEqual(['Buy film for the camera'])
      expect({ ...merged, conversations: merged.conversations.filter((c) => c !== local[0]), messages: merged.messages.filter((m) => m.conversationId !== local[0]!.id) }).toEqual(original)
    })
  })
})

test.describe('a damaged backup', () => {
  test('a flipped byte, a deleted chunk or two swapped chunks each stop the restore with its named error, and nothing is shown as complete', async ({ page, authenticator, device, server }) => {
    test.setTimeout(240_000)
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const app = new ChatApp(page)
    const stored = new StoredChunks(server.dataDir)
    const { original } = await test.step('Ada backs up her chats', () => deviceWithBackup(page))

    const cases = [
      { damage: 'a byte flipped in a part of the video', apply: () => stored.flipByteInLargest(), says: /The backup on the server is damaged: the file “lisbon-video\.mp4” in “Trip to Lisbon” failed its integrity check\. .*Try an older backup\./ },
      { damage: 'a chunk deleted', apply: () => stored.deleteSmallest(), says: /The backup on the server is damaged: .* is missing\. .*Try an older backup\./ },
      { damage: 'two chunks swapped', apply: () => stored.swapTwoLargest(), says: /The backup on the server is damaged: the file “lisbon-video\.mp4” in “Trip to Lisbon” (failed its integrity check|is cut short)\./ },
    ]
    for (const { damage, apply, says } of cases) {
      await test.step(`with ${damage}, the restore on a new device stops and says what to do`, async () => {
        await apply()
        await device.wipe()
        await account.open()
        await account.signIn()
        await restore.restoreLatest()
        await expect(restore.alert).toHaveText(says, { timeout: 60_000 })
        await expect(restore.status).toHaveText('Restore stopped before it was complete.')
        await expect(restore.progress).not.toHaveAttribute('aria-valuenow', '100')
      })
      await test.step('what is shown is whole; what is missing is not shown as complete', async () => {
        const shown = await chatsFingerprint(page)
        expect(shown).not.toEqual(original)
        expectNothingHalfShown(shown, original)
        if (damage !== 'a chunk deleted') {
          await app.open()
          await app.openChat('Trip to Lisbon')
          await expect(page.getByLabel('lisbon-video.mp4: not on this device')).toHaveText('Not on this device')
          await expect(page.getByRole('button', { name: 'Download lisbon-video.mp4' })).toHaveCount(0)
        }
        await stored.repair()
      })
    }
  })
})

test.describe('an interrupted restore', () => {
  test('a reload mid-restore resumes where it stopped and finishes identical', async ({ page, context, authenticator, device }) => {
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const { original, chunks } = await test.step('Ada backs up her chats, a 40 MB video among them', () => deviceWithBackup(page, 40 * 1024 * 1024 + 123))

    const requested: string[] = []
    let completed = 0
    // Once 16 chunks have arrived, answers to the page as it is are held back (never sent): they
    // are lost with the page when it reloads, so the restore cannot finish before the reload.
    let pageLoads = 0
    let halfway: () => void = () => undefined
    const reachedHalfway = new Promise<void>((resolve) => (halfway = resolve))
    await test.step('on a new device she starts a restore over a slow connection', async () => {
      await device.wipe()
      await account.open()
      await account.signIn()
      await context.route('**/api/chunks/*', async (route) => {
        if (route.request().method() !== 'GET') return route.continue()
        requested.push(new URL(route.request().url()).pathname)
        const loaded = pageLoads
        const response = await route.fetch()
        await new Promise((r) => setTimeout(r, 300))
        if (loaded !== pageLoads) return
        await route.fulfill({ response }).then(
          () => {
            if (++completed === 16 && pageLoads === 0) {
              pageLoads++
              halfway()
            }
          },
          () => undefined,
        )
      })
      await restore.restoreLatest()
      await reachedHalfway
    })

    const before = completed
    await test.step('the page reloads half-way; the restore carries on by itself and completes', async () => {
      await page.reload()
      await restore.waitUntilComplete()
    })

    await test.step('nothing downloaded before the reload is downloaded again, and the chats are identical', async () => {
      expect(before).toBeGreaterThanOrEqual(16)
      expect(before).toBeLessThan(chunks)
      expect(new Set(requested).size).toBe(chunks)
      // Asked for again: only what was in flight when the page went away (two openers, four requests
      // each) or verified but not yet written (a photo waiting for its thumbnail, a staging write).
      expect(requested.length - chunks).toBeLessThanOrEqual(12)
      expect(await chatsFingerprint(page)).toEqual(original)
    })
  })

  test('a lost connection pauses the restore, which continues by itself when the connection is back', async ({ page, context, authenticator, device, network }) => {
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const { original } = await test.step('Ada backs up her chats, a 40 MB video among them', () => deviceWithBackup(page, 40 * 1024 * 1024 + 123))

    let completed = 0
    await test.step('on a new device the connection drops while the restore runs', async () => {
      await device.wipe()
      await account.open()
      await account.signIn()
      // Chunks arrive slowly; once the device is offline, those still on their way are lost with the
      // connection, as they would be, so the restore cannot finish in the moment it takes to go offline.
      let offline = false
      await context.route('**/api/chunks/*', async (route) => {
        const response = offline ? null : await route.fetch().catch(() => null)
        await new Promise((r) => setTimeout(r, 300))
        if (offline || !response) return void (await route.abort('internetdisconnected').catch(() => undefined))
        await route.fulfill({ response }).then(() => completed++, () => undefined)
      })
      await restore.restoreLatest()
      await expect.poll(() => completed, { timeout: 60_000 }).toBeGreaterThanOrEqual(6)
      await network.goOffline()
      offline = true
      await expect(restore.status).toHaveText('Paused — offline. The restore continues when the connection is back.', { timeout: 60_000 })
      await expect(restore.alert).toHaveCount(0)
      await context.unroute('**/api/chunks/*')
    })

    await test.step('the connection comes back: the restore continues and completes, identical', async () => {
      await network.goOnline()
      await restore.waitUntilComplete()
      expect(await chatsFingerprint(page)).toEqual(original)
    })
  })
})
