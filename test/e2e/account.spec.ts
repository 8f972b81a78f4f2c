import { randomBytes } from 'node:crypto'
import { formatRecoveryKey } from '../../src/format/keys/recoveryKey'
import { AccountDriver, emulatePrfOnlyOnGet, recordRequestBodies, secretsSeen, witnessSecrets } from './drivers/account'
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

test.describe('when a passkey request fails', () => {
  test('a refused fingerprint says so and leaves nothing half-made', async ({ page, authenticator }) => {
    const account = new AccountDriver(page)
    const id = await authenticator.add({ hasPrf: true })
    await authenticator.setUserVerified(id, false)
    await account.open()

    await test.step('Olga tries to create an account, but her fingerprint is not recognised', async () => {
      await account.section.getByLabel('Your name').fill('Olga')
      await account.button('Create account with passkey').click()
      await expect(account.alert).toHaveText('The passkey request was cancelled. Try again when you are ready.')
    })

    await test.step('no account was made, on the device or on the server', async () => {
      await expect(account.recoveryKeyDialog).toBeHidden()
      await expect(account.button('Create account with passkey')).toBeEnabled()
      expect(await authenticator.credentials(id)).toHaveLength(0)
      const status = await page.evaluate(async () => (await fetch('/api/account')).status)
      expect(status).toBe(401)
    })
  })
})

test.describe('a sign-up cut short', () => {
  test('if the connection drops before the keys are stored, the next sign-in makes them', async ({ page, authenticator }) => {
    const account = new AccountDriver(page)
    await authenticator.add({ hasPrf: true })
    await account.open()

    await test.step('the connection drops just after the passkey is registered', async () => {
      await page.route('**/api/keys/**', (route) => route.abort('internetdisconnected'))
      await account.section.getByLabel('Your name').fill('Sofia')
      await account.button('Create account with passkey').click()
      await expect(account.alert).toHaveText("You're offline. Connect to the internet and try again: this step needs the server.")
      await expect(account.recoveryKeyDialog).toBeHidden()
      await page.unroute('**/api/keys/**')
    })

    await test.step('signing in with that passkey sets up her keys and shows her recovery key', async () => {
      await account.button('Sign in with passkey').click()
      await expect(account.recoveryKeyDialog).toBeVisible()
      await account.confirmRecoveryKeySaved()
      await expect(account.section).toContainText('Signed in as Sofia')
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.passkey('Passkey 1')).toContainText('Can unlock backups')
    })
  })
})

test.describe('a sign-up cut short after the passkey envelope', () => {
  test('if only the recovery key was not stored, the next sign-in makes one and shows it', async ({ page, authenticator }) => {
    const account = new AccountDriver(page)
    await authenticator.add({ hasPrf: true })
    await account.open()
    await page.route('**/api/keys/recovery', (route) => route.abort('internetdisconnected'))
    await account.section.getByLabel('Your name').fill('Tove')
    await account.button('Create account with passkey').click()
    await expect(account.alert).toContainText("You're offline.")
    await page.unroute('**/api/keys/recovery')

    await account.button('Sign in with passkey').click()
    const recoveryKey = await account.readRecoveryKey()
    await account.confirmRecoveryKeySaved()
    await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
    await account.signOut()
    await account.unlockWithRecoveryKey(recoveryKey)
    await expect(account.section).toContainText('Signed in as Tove')
  })
})

test.describe('an ended session', () => {
  test('when the server session ends, Settings says so and one passkey touch brings the passkeys back', async ({
    page,
    context,
    authenticator,
  }) => {
    const account = new AccountDriver(page)
    await authenticator.add({ hasPrf: true })
    await account.open()
    await account.createAccount('Uma')
    await account.confirmRecoveryKeySaved()

    await context.clearCookies()
    await page.reload()
    await expect(account.alert).toHaveText('Your session has ended. Sign in with your passkey again to manage your passkeys.')
    await expect(account.backupStatus, 'the key on the device is not lost').toHaveText(/Backups can be unlocked on this device/)
    await account.button('Sign in with passkey').click()
    await expect(account.passkey('Passkey 1')).toBeVisible()
    await expect(account.alert).toHaveCount(0)
  })
})

test.describe('offline', () => {
  test('the account stays usable offline; sign-out waits for the network instead of half-happening', async ({
    page,
    authenticator,
    network,
  }) => {
    const account = new AccountDriver(page)
    await authenticator.add({ hasPrf: true })
    await account.open()
    await account.createAccount('Rosa')
    await account.confirmRecoveryKeySaved()

    await test.step('offline, Settings still shows her account and that backups can be unlocked here', async () => {
      // The app works offline once its service worker has precached the shell.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready
      })
      await network.goOffline()
      await page.reload()
      await expect(account.section).toContainText('Signed in as Rosa')
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.alert).toContainText("Couldn't load your passkeys. You're offline.")
    })

    await test.step('signing out is refused with the reason, and she stays signed in', async () => {
      await account.button('Sign out').click()
      await expect(account.alert.filter({ hasText: 'this step needs the server' })).toHaveCount(2)
      await expect(account.section).toContainText('Signed in as Rosa')
    })

    await test.step('back online, she can sign out', async () => {
      await network.goOnline()
      await page.reload()
      await expect(account.passkey('Passkey 1')).toBeVisible()
      await account.signOut()
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

test.describe('authenticators without PRF', () => {
  test('the account works, its passkey is marked "can\'t unlock backups", and the recovery key protects them', async ({
    page,
    authenticator,
  }) => {
    const account = new AccountDriver(page)
    await authenticator.add({ hasPrf: false })
    await account.open()

    const recoveryKey = await test.step('Lin creates an account with a passkey that has no PRF', async () => {
      const key = await account.createAccount('Lin')
      await account.confirmRecoveryKeySaved()
      await expect(account.section).toContainText("this passkey can't unlock backups")
      await expect(account.passkey('Passkey 1')).toContainText("Can't unlock backups")
      await expect(account.section).toContainText('your recovery key is the only way to restore them')
      return key
    })

    await test.step('signing in again works, but the passkey cannot unlock backups, and says so', async () => {
      await account.signOut()
      await account.signIn()
      await expect(account.backupStatus).toHaveText(/Backups are locked on this device\. This passkey can sign you in but cannot unlock backups/)
      await expect(account.button('Add passkey')).toBeDisabled()
    })

    await test.step('her recovery key unlocks them on this device', async () => {
      await account.unlockWithRecoveryKey(recoveryKey)
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
      await expect(account.section).toContainText('Signed in as Lin')
    })
  })
})

test.describe('authenticators that evaluate PRF only on sign-in', () => {
  test('a second touch right after creation gets the PRF output, and the passkey unlocks backups', async ({ page, authenticator }) => {
    const account = new AccountDriver(page)
    await emulatePrfOnlyOnGet(page)
    const bodies = recordRequestBodies(page)
    await authenticator.add({ hasPrf: true })
    await account.open()

    await test.step('Noor creates her account: creation reports PRF without an output, so the app asks once more', async () => {
      await account.createAccount('Noor')
      await account.confirmRecoveryKeySaved()
      const paths = bodies.map((b) => `${b.method} ${b.path} ${b.body}`)
      const verified = paths.findIndex((p) => p.startsWith('POST /api/auth/register/verify'))
      const secondTouch = paths.findIndex((p) => p === 'POST /api/auth/login/options {"scope":"account"}')
      const envelope = paths.findIndex((p) => p.startsWith('PUT /api/keys/passkey/'))
      expect(verified).toBeGreaterThanOrEqual(0)
      expect(secondTouch).toBeGreaterThan(verified)
      expect(envelope).toBeGreaterThan(secondTouch)
      await expect(account.passkey('Passkey 1')).toContainText('Can unlock backups')
    })

    await test.step('the envelope holds: signing in again unlocks her backups', async () => {
      await account.signOut()
      await account.signIn()
      await expect(account.backupStatus).toHaveText(/Backups can be unlocked on this device/)
    })
  })
})

test.describe('secrets stay on the device', () => {
  test('no request body carries a PRF output, a key, or PRF results', async ({ page, authenticator }) => {
    const account = new AccountDriver(page)
    await witnessSecrets(page)
    const bodies = recordRequestBodies(page)
    await authenticator.add({ hasPrf: true })
    await account.open()

    const recoveryKey = await test.step('sign up, sign out, sign in, add a security key, make a new recovery key', async () => {
      const first = await account.createAccount('Mary')
      await account.confirmRecoveryKeySaved()
      await account.signOut()
      await account.signIn()
      await authenticator.add({ hasPrf: true, transport: 'usb' })
      await account.addPasskey()
      await expect(account.passkey('Passkey 2')).toContainText('Can unlock backups')
      await account.button('Make a new recovery key').click()
      const second = await account.readRecoveryKey()
      await account.confirmRecoveryKeySaved()
      return [first, second]
    })

    const secrets = await secretsSeen(page)
    const paths = bodies.map((b) => `${b.method} ${b.path}`)
    await test.step('the story really sent its ceremonies and envelopes, and the page really handled secrets', () => {
      for (const path of ['POST /api/auth/register/verify', 'POST /api/auth/login/verify', 'PUT /api/keys/recovery']) {
        expect(paths).toContain(path)
      }
      expect(paths.filter((p) => p.startsWith('PUT /api/keys/passkey/'))).toHaveLength(2)
      // The platform passkey's PRF output (one fixed input: the same at every ceremony), the security key's,
      // the master key, and the two recovery keys.
      expect(secrets.length).toBeGreaterThanOrEqual(5)
      for (const secret of secrets) expect(secret).toMatch(/^[0-9a-f]{64}$/)
    })

    await test.step('no body contains any of them, in any encoding', () => {
      for (const { method, path, body } of bodies) {
        for (const hex of secrets) {
          const bytes = Buffer.from(hex, 'hex')
          for (const encoded of [hex, bytes.toString('base64'), bytes.toString('base64url'), [...bytes].join(',')]) {
            expect(body.includes(encoded), `${method} ${path} carries a secret`).toBe(false)
          }
        }
        for (const key of recoveryKey) {
          expect(body.includes(key) || body.includes(key.replace(/ /g, '')), `${method} ${path} carries the recovery key`).toBe(false)
        }
      }
    })

    await test.step('no ceremony response is posted with PRF results; 32-byte values appear only as ids, challenges, recovery auth', () => {
      // Public by design: credential ids, the server's user handle and challenge, and recoveryAuth (KEYS.md §6).
      const allowed = new Set(['id', 'rawId', 'credentialId', 'userHandle', 'challenge', 'recoveryAuth'])
      const visit = (value: unknown, key: string, where: string): void => {
        if (typeof value === 'string') {
          const decoded = /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url') : null
          if (key === 'clientDataJSON' && decoded) return visit(JSON.parse(decoded.toString('utf8')), key, where)
          const is32 = decoded?.length === 32 || /^[0-9a-f]{64}$/i.test(value)
          if (is32) expect(allowed.has(key), `${where}: 32-byte value under "${key}"`).toBe(true)
        } else if (value && typeof value === 'object') {
          if (key === 'clientExtensionResults') expect(value, where).not.toHaveProperty('prf')
          for (const [k, v] of Object.entries(value)) visit(v, Array.isArray(value) ? key : k, where)
        }
      }
      let checkedResponses = 0
      for (const { method, path, body } of bodies) {
        const json: unknown = JSON.parse(body)
        if (typeof json === 'object' && json && 'response' in json) checkedResponses++
        visit(json, '', `${method} ${path}`)
      }
      expect(checkedResponses).toBeGreaterThanOrEqual(3)
    })
  })
})
