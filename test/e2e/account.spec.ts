import { AccountDriver } from './drivers/account'
import { expect, test } from './fixtures'

test.describe('passkey accounts', () => {
  test('sign up, sign out, and sign in again with the passkey', async ({ page, authenticator }) => {
    const account = new AccountDriver(page)
    await authenticator.add({ hasPrf: true })
    await account.open()

    await test.step('Ada creates an account with her passkey and is shown her recovery key once', async () => {
      const recoveryKey = await account.createAccount('Ada')
      expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{5} ){12}[0-9A-HJKMNP-TV-Z]{5}$/)
      await page.keyboard.press('Escape')
      await expect(account.recoveryKeyDialog, 'the dialog cannot be dismissed without confirming').toBeVisible()
      await account.confirmRecoveryKeySaved()
    })

    await test.step('she is signed in and her backups can be unlocked on this device', async () => {
      await expect(account.section).toContainText('Signed in as Ada')
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.passkeys).toHaveCount(1)
      await expect(account.passkey('Passkey 1')).toContainText('Can unlock backups')
    })

    await test.step('she signs out: the account and its key leave the device', async () => {
      await account.signOut()
      await expect(account.button('Create account with passkey')).toBeVisible()
      const stored = await page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open('keepsake-account')
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error)
        })
        const count = (store: string) =>
          new Promise<number>((resolve) => {
            const request = db.transaction(store).objectStore(store).count()
            request.onsuccess = () => resolve(request.result)
          })
        const counts = [await count('account'), await count('keys')]
        db.close()
        return counts
      })
      expect(stored).toEqual([0, 0])
    })

    await test.step('she signs in with the passkey, no user name, and her backups unlock in the same step', async () => {
      await account.signIn()
      await expect(account.section).toContainText('Signed in as Ada')
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.recoveryKeyDialog).toBeHidden()
    })
  })
})
