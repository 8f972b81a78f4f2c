import type { Page } from '@playwright/test'
import { AccountDriver } from './drivers/account'
import { BackupDriver, finishedStatus } from './drivers/backup'
import { ChatApp } from './drivers/chat'
import { chatsFingerprint, RestoreDriver, StoredChunks, uploadStagedBackup, type ChatsFingerprint } from './drivers/restore'
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

/**
 * Device A: sample chats with photos and files, a 9 MB file sent in a chat of its own, an account
 * (its recovery key returned) and a backup on the server. Returns what the device holds.
 */
async function deviceWithBackup(page: Page): Promise<{ original: ChatsFingerprint; recoveryKey: string; chunks: number }> {
  const app = new ChatApp(page)
  const account = new AccountDriver(page)
  const backup = new BackupDriver(page)
  await app.open()
  await app.waitUntilOfflineReady()
  await expect(await app.generateSampleData('Small (a few chats)')).toMatch(/^Done/)
  await page.goto('/')
  await app.newChat('Trip to Lisbon')
  await app.attach([{ name: 'lisbon-video.mp4', mimeType: 'video/mp4', buffer: generatedFile(9 * 1024 * 1024 + 123, 7) }])
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(page.getByRole('button', { name: 'Download lisbon-video.mp4' })).toBeVisible()
  await account.open()
  const recoveryKey = await account.createAccount('Ada')
  await account.confirmRecoveryKeySaved()
  await backup.backUpNow()
  await finishedStatus(backup)
  const { chunks } = await uploadStagedBackup(page)
  return { original: await chatsFingerprint(page), recoveryKey, chunks }
}

test.describe('restoring on another device', () => {
  test('after a passkey sign-in, every chat, message and attachment comes back identical, and works offline', async ({ page, authenticator, device, network }) => {
    await authenticator.add({ hasPrf: true })
    const account = new AccountDriver(page)
    const restore = new RestoreDriver(page)
    const app = new ChatApp(page)
    const { original } = await test.step('Ada backs up her chats on her laptop', () => deviceWithBackup(page))
    expect(original.attachments.length).toBeGreaterThan(3)

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

    await test.step('the restored chats work offline', async () => {
      await app.open()
      await app.waitUntilOfflineReady()
      await network.goOffline()
      await page.reload()
      await app.openChat('Trip to Lisbon')
      const video = await app.download('lisbon-video.mp4')
      expect(video.equals(generatedFile(9 * 1024 * 1024 + 123, 7))).toBe(true)
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
