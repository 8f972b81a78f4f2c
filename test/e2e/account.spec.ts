import { randomBytes } from 'node:crypto'
import { formatRecoveryKey } from '../../src/format/keys/recoveryKey'
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

test.describe('more than one passkey', () => {
  test('a security key added as a second passkey unlocks alone; rename, remove, and the last passkey stays', async ({
    page,
    authenticator,
  }) => {
    const account = new AccountDriver(page)
    const platform = await authenticator.add({ hasPrf: true })
    await account.open()
    await account.createAccount('Grace')
    await account.confirmRecoveryKeySaved()

    const securityKey = await test.step('she adds a USB security key: her passkey unlocks first, then the key is created', async () => {
      const key = await authenticator.add({ hasPrf: true, transport: 'usb' })
      await account.addPasskey()
      await expect(account.passkey('Passkey 2')).toContainText('Can unlock backups')
      await expect(account.section).toContainText('Passkey 2 was added and can unlock your backups.')
      expect(await authenticator.credentials(key)).toHaveLength(1)
      return key
    })

    await test.step('without the platform passkey, the security key alone signs in and unlocks backups', async () => {
      await account.signOut()
      await authenticator.remove(platform)
      await account.signIn()
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.passkey('Passkey 2')).toContainText('signed in with this passkey')
      expect((await authenticator.credentials(securityKey))[0]?.signCount).toBeGreaterThan(1)
    })

    await test.step('she renames it', async () => {
      await account.renamePasskey('Passkey 2', 'Blue security key')
      await page.reload()
      await expect(account.passkey('Blue security key')).toBeVisible()
    })

    await test.step('she removes it', async () => {
      await account.removePasskey('Blue security key')
      await expect(account.passkeys).toHaveCount(1)
      await expect(account.passkey('Passkey 1')).toBeVisible()
    })

    await test.step('removing her last passkey is refused, with the reason', async () => {
      await account.removePasskey('Passkey 1')
      await expect(account.alert).toHaveText('This is your only passkey, so it cannot be removed. Add another passkey first.')
      await expect(account.passkeys).toHaveCount(1)
    })
  })
})

test.describe('recovery key', () => {
  test('on a wiped device without the passkey, the recovery key signs in, unlocks, and a new passkey can be added', async ({
    page,
    authenticator,
    device,
  }) => {
    const account = new AccountDriver(page)
    const lost = await authenticator.add({ hasPrf: true })
    await account.open()
    const recoveryKey = await account.createAccount('Hedy')
    await account.confirmRecoveryKeySaved()

    await test.step('her phone is lost: a new device, no passkey', async () => {
      await authenticator.remove(lost)
      await device.wipe()
      await account.open()
      await expect(account.button('Sign in with passkey')).toBeVisible()
    })

    await test.step('a typo is caught and its group named', async () => {
      const symbols = recoveryKey.replace(/ /g, '')
      const typo = symbols.slice(0, 22) + (symbols[22] === 'X' ? 'Y' : 'X') + symbols.slice(23)
      await account.unlockWithRecoveryKey(typo)
      await expect(account.alert).toHaveText("This doesn't look like a recovery key: check group 5.")
    })

    await test.step('a well-formed key of no account is told apart from a typo', async () => {
      await account.unlockWithRecoveryKey(formatRecoveryKey(randomBytes(32)))
      await expect(account.alert).toHaveText(
        "This key doesn't open this account. Check that it is the newest recovery key you saved for it.",
      )
    })

    await test.step('her key, typed loosely, signs her in and unlocks her backups', async () => {
      await account.unlockWithRecoveryKey(recoveryKey.toLowerCase().replace(/ /g, '-'))
      await expect(account.section).toContainText('Signed in as Hedy')
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.section).toContainText('Add a passkey so that next time')
    })

    await test.step('she adds a passkey on the new device without another prompt for the old one', async () => {
      const replacement = await authenticator.add({ hasPrf: true })
      await account.addPasskey()
      await expect(account.passkey('Passkey 2')).toContainText('Can unlock backups')
      expect(await authenticator.credentials(replacement)).toHaveLength(1)
    })

    const newKey = await test.step('she makes a new recovery key: the old one stops working', async () => {
      await account.button('Make a new recovery key').click()
      await expect(account.recoveryKeyDialog).toBeVisible()
      const replaced = await account.readRecoveryKey()
      expect(replaced).not.toBe(recoveryKey)
      await account.confirmRecoveryKeySaved()
      await account.signOut()
      await account.unlockWithRecoveryKey(recoveryKey)
      await expect(account.alert).toContainText("This key doesn't open this account")
      return replaced
    })

    await test.step('the new recovery key works', async () => {
      await account.unlockWithRecoveryKey(newKey)
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
    })
  })
})
