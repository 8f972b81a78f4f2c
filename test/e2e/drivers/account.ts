import { expect, type Locator, type Page, type Request } from '@playwright/test'

/**
 * Settings → Account, by what a person sees: accessible roles and names only. Also a test-only
 * witness of the secrets the page handles (PRF outputs, raw key imports), installed with an init
 * script that wraps the browser's own APIs, so stories can prove none of them is ever sent.
 */
export class AccountDriver {
  readonly section: Locator
  readonly recoveryKeyDialog: Locator
  readonly passkeys: Locator
  readonly backupStatus: Locator
  readonly alert: Locator

  constructor(private readonly page: Page) {
    this.section = page.getByRole('region', { name: 'Account' })
    this.recoveryKeyDialog = page.getByRole('dialog', { name: 'Recovery key' })
    this.passkeys = this.section.getByRole('list', { name: 'Passkeys' }).getByRole('listitem')
    this.backupStatus = this.section.getByRole('status').filter({ hasText: /^Backups / })
    this.alert = this.section.getByRole('alert')
  }

  async open(): Promise<void> {
    await this.page.goto('/#/settings')
    await expect(this.section.getByRole('heading', { name: 'Account' })).toBeVisible()
  }

  button(name: string): Locator {
    return this.section.getByRole('button', { name, exact: true })
  }

  /** Signs up and returns the recovery key shown once (still open: the story decides when to confirm it). */
  async createAccount(displayName: string): Promise<string> {
    await this.section.getByLabel('Your name').fill(displayName)
    await this.button('Create account with passkey').click()
    await expect(this.recoveryKeyDialog).toBeVisible()
    return this.readRecoveryKey()
  }

  async readRecoveryKey(): Promise<string> {
    const text = await this.recoveryKeyDialog.getByLabel('Your recovery key').innerText()
    return text.replace(/\s+/g, ' ').trim()
  }

  async confirmRecoveryKeySaved(): Promise<void> {
    await this.recoveryKeyDialog.getByRole('button', { name: 'I saved my recovery key' }).click()
    await expect(this.recoveryKeyDialog).toBeHidden()
  }

  async signIn(): Promise<void> {
    await this.button('Sign in with passkey').click()
    await expect(this.button('Sign out')).toBeVisible()
  }

  async signOut(): Promise<void> {
    await this.button('Sign out').click()
    await expect(this.button('Sign in with passkey')).toBeVisible()
  }

  passkey(name: string): Locator {
    return this.section.getByRole('listitem', { name, exact: true })
  }

  async addPasskey(): Promise<void> {
    const before = await this.passkeys.count()
    await this.button('Add passkey').click()
    await expect(this.passkeys).toHaveCount(before + 1)
  }

  async renamePasskey(from: string, to: string): Promise<void> {
    const item = this.passkey(from)
    await item.getByRole('button', { name: 'Rename' }).click()
    await item.getByRole('textbox', { name: 'Passkey name' }).fill(to)
    await item.getByRole('button', { name: 'Save' }).click()
    await expect(this.passkey(to)).toBeVisible()
  }

  async removePasskey(name: string): Promise<void> {
    await this.passkey(name).getByRole('button', { name: 'Remove passkey' }).click()
    const confirm = this.page.getByRole('dialog', { name: `Remove “${name}”?` })
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click()
    await expect(confirm).toBeHidden()
  }

  /** Types a recovery key (signed out, the form sits behind "Lost your passkey?"). */
  async unlockWithRecoveryKey(recoveryKey: string): Promise<void> {
    const input = this.section.getByRole('textbox', { name: 'Recovery key' })
    if (!(await input.isVisible())) await this.section.getByText('Lost your passkey? Use your recovery key').click()
    await input.fill(recoveryKey)
    await this.button('Unlock with recovery key').click()
  }
}

/** Every request body the page sends, with its method and path. */
export function recordRequestBodies(page: Page): { method: string; path: string; body: string }[] {
  const bodies: { method: string; path: string; body: string }[] = []
  page.on('request', (request: Request) => {
    const body = request.postData()
    if (body !== null) bodies.push({ method: request.method(), path: new URL(request.url()).pathname, body })
  })
  return bodies
}

/**
 * Test instrumentation: records, as hex, every PRF output the authenticator returns and every raw key
 * the page imports into WebCrypto (the master key, the recovery key, PRF outputs as HKDF input).
 * Read them with `secretsSeen(page)` before the page navigates away.
 */
export async function witnessSecrets(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __secretsSeen: string[] }).__secretsSeen = seen
    const hex = (buffer: ArrayBuffer | ArrayBufferView) => {
      const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
    }
    const record = (credential: Credential | null) => {
      const first = (credential as PublicKeyCredential | null)?.getClientExtensionResults?.().prf?.results?.first
      if (first) seen.push(hex(first as ArrayBuffer))
      return credential
    }
    const credentials = navigator.credentials
    const create = credentials.create.bind(credentials)
    const get = credentials.get.bind(credentials)
    credentials.create = (options) => create(options).then(record)
    credentials.get = (options) => get(options).then(record)
    const subtle = crypto.subtle
    const importKey = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>
    ;(subtle as unknown as { importKey: unknown }).importKey = (...args: unknown[]) => {
      if (args[0] === 'raw' && (args[1] instanceof ArrayBuffer || ArrayBuffer.isView(args[1]))) seen.push(hex(args[1] as ArrayBuffer))
      return importKey(...args)
    }
  })
}

export async function secretsSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => [...new Set((window as unknown as { __secretsSeen?: string[] }).__secretsSeen ?? [])])
}

/**
 * Test instrumentation: makes every authenticator behave like the many security keys that report
 * `prf.enabled` at creation but evaluate PRF only on `get()`, by dropping `prf.results` from what
 * `create()` returns. The app must then run a second ceremony to get the PRF output.
 */
export async function emulatePrfOnlyOnGet(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const credentials = navigator.credentials
    const create = credentials.create.bind(credentials)
    credentials.create = async (options) => {
      const credential = (await create(options)) as PublicKeyCredential | null
      if (!credential) return credential
      const results = credential.getClientExtensionResults()
      const withoutResults = { ...results, prf: results.prf ? { enabled: results.prf.enabled } : undefined }
      Object.defineProperty(credential, 'getClientExtensionResults', { value: () => withoutResults })
      return credential
    }
  })
}
