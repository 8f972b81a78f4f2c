import type { Page } from '@playwright/test'
import { AccountDriver } from './drivers/account'
import type { Authenticators } from './drivers/authenticator'
import { BackupDriver, generateSampleMiB } from './drivers/backup'
import { ChatApp } from './drivers/chat'
import { chatsFingerprint, RestoreDriver } from './drivers/restore'
import { test } from './drivers/uploadProxy'
import { expect } from './fixtures'

const MiB = 1024 * 1024

/** Ada's laptop: sample chats with `mib` MiB of photos and files, and a passkey account that can unlock backups. */
async function adaWithChats(page: Page, authenticator: Authenticators, mib: number): Promise<BackupDriver> {
  await authenticator.add({ hasPrf: true })
  await page.goto('/')
  await expect(await generateSampleMiB(page, mib)).toMatch(/^Done/)
  const account = new AccountDriver(page)
  await account.open()
  await account.createAccount('Ada')
  await account.confirmRecoveryKeySaved()
  return new BackupDriver(page)
}

test.describe('backing up to the server', () => {
  test('the connection drops mid-backup: it pauses, and finishes by itself when the connection is back', async ({ page, authenticator, network, gateway }) => {
    const backup = await test.step('Ada has chats with 24 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 24))
    gateway.answerDelayMs = 250

    await test.step('she backs up now; part of it reaches the server', async () => {
      await backup.backUpNow()
      await expect(backup.status).toHaveText(/^Backing up…/)
      await gateway.waitForBytes(4 * MiB)
    })

    await test.step('her connection drops: the backup says it is paused, and starts no more uploads', async () => {
      await network.goOffline()
      await expect(backup.status).toHaveText(/^Paused — offline/)
      // Requests, not bytes: bytes already in the sockets' buffers can still reach the server after the pause.
      const started = gateway.puts.length
      await page.waitForTimeout(1_500)
      expect(gateway.puts.length).toBe(started)
      await expect(backup.progress).not.toHaveAttribute('aria-valuenow', '100')
    })

    await test.step('the connection returns: the backup finishes by itself', async () => {
      await network.goOnline()
      await expect(backup.status).toHaveText(/^Backed up /, { timeout: 90_000 })
      await expect(backup.progress).toHaveAttribute('aria-valuenow', '100')
      const [snapshot] = await backup.serverSnapshots()
      expect(snapshot!.sizeBytes).toBeGreaterThan(24 * MiB)
      expect(gateway.storedTwice()).toEqual([])
    })
  })

  test('the page is reloaded mid-backup: it resumes where it was, and the whole uploads stay within 10% of the backup', async ({ page, authenticator, gateway }) => {
    const backup = await test.step('Ada has chats with 40 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 40))
    gateway.answerDelayMs = 300

    await test.step('she backs up now, and reloads the app when about a third has reached the server', async () => {
      await backup.backUpNow()
      await gateway.waitForBytes(14 * MiB)
      await page.reload()
    })

    await test.step('after the reload the backup continues by itself and finishes', async () => {
      await backup.waitUntilBackedUp()
    })

    await test.step('no chunk was stored twice, whole uploads came to at most 10% more than the backup, and only the uploads in flight were cut off', async () => {
      const [snapshot] = await backup.serverSnapshots()
      test.info().annotations.push({ type: 'bytes answered / received / backup size, uploads cut off', description: `${gateway.bytesAnswered} / ${gateway.bytesReceived} / ${snapshot!.sizeBytes}, ${gateway.cutOff}` })
      expect(gateway.storedTwice()).toEqual([])
      expect(gateway.bytesAnswered).toBeGreaterThanOrEqual(snapshot!.sizeBytes)
      expect(gateway.bytesAnswered).toBeLessThanOrEqual(snapshot!.sizeBytes * 1.1)
      // The reload ends the uploads in flight (four at a time) wherever their bodies were.
      expect(gateway.cutOff).toBeLessThanOrEqual(4)
    })
  })

  test('the server crashes mid-backup and comes back: the backup completes and restores byte for byte', async ({ page, authenticator, gateway, server, device }) => {
    const backup = await test.step('Ada has chats with 24 MiB of photos and files and a passkey account', () => adaWithChats(page, authenticator, 24))
    gateway.answerDelayMs = 200
    const original = await chatsFingerprint(page)

    await test.step('she backs up now; the server process is killed half-way', async () => {
      await backup.backUpNow()
      await gateway.waitForBytes(6 * MiB)
      await server.kill()
      await expect(backup.status).toHaveText(/^Retrying in \d+ s — the server is unavailable/)
    })

    await test.step('the server is started again: the backup completes by itself', async () => {
      await server.start()
      await backup.waitUntilBackedUp()
      expect(gateway.storedTwice()).toEqual([])
    })

    await test.step('on a new device, the backup restores every chat and attachment identically (each chunk verified)', async () => {
      await device.wipe()
      const account = new AccountDriver(page)
      const restore = new RestoreDriver(page)
      await account.open()
      await account.signIn()
      await restore.restoreLatest()
      await restore.waitUntilComplete()
      expect(await chatsFingerprint(page)).toEqual(original)
    })
  })

  test('after one new message, the next backup uploads only the page that changed', async ({ page, authenticator, gateway }) => {
    const app = new ChatApp(page)
    const backup = await test.step('Ada has chats with 8 MiB of photos and files, a trip chat and a passkey account', async () => {
      const backup = await adaWithChats(page, authenticator, 8)
      await page.goto('/')
      await app.newChat('Trip to Lisbon')
      await app.send('Flights are booked!')
      return backup
    })

    const first = await test.step('she backs up now: every chunk goes up once', async () => {
      await app.openSettings()
      await backup.backUpNow()
      await backup.waitUntilBackedUp()
      const [snapshot] = await backup.serverSnapshots()
      expect(gateway.puts.length).toBe(snapshot!.chunkCount)
      return { puts: gateway.puts.length, snapshot: snapshot! }
    })

    await test.step('she sends one more message and backs up again: one chunk is uploaded', async () => {
      await page.goto('/')
      await app.openChat('Trip to Lisbon')
      await app.send('See you at the airport at 7')
      await app.openSettings()
      await backup.backUpNow()
      await expect.poll(async () => (await backup.serverSnapshots()).length, { timeout: 60_000 }).toBe(2)
      await backup.waitUntilBackedUp()
      const [newest] = await backup.serverSnapshots()
      expect(newest!.id).not.toBe(first.snapshot.id)
      expect(newest!.chunkCount).toBe(first.snapshot.chunkCount)
      expect(gateway.puts.length - first.puts).toBe(1)
    })
  })
})
