import type { BrowserContext, CDPSession, Page } from '@playwright/test'

export interface AuthenticatorOptions {
  /** Whether the authenticator supports the WebAuthn PRF extension (default true). */
  hasPrf?: boolean
  /** How it is attached (default 'internal', a platform authenticator; Chromium allows one of those). */
  transport?: 'internal' | 'usb' | 'nfc' | 'ble'
}

export interface VirtualCredential {
  credentialId: string // standard base64, as CDP gives it
  isResidentCredential: boolean
  rpId?: string
  userHandle?: string
  signCount: number
}

/**
 * Chromium's virtual authenticators (CDP WebAuthn domain), attached to one page: a platform passkey
 * provider with user verification, resident keys and (by default) PRF.
 */
export class Authenticators {
  private cdp: CDPSession | undefined

  constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {}

  private async session(): Promise<CDPSession> {
    if (!this.cdp) {
      this.cdp = await this.context.newCDPSession(this.page)
      await this.cdp.send('WebAuthn.enable', { enableUI: false })
    }
    return this.cdp
  }

  /**
   * A navigation that swaps the renderer (e.g. `device.wipe()` going through about:blank) ends the
   * WebAuthn environment of this CDP session: enable it again and retry once.
   */
  private async send<T>(call: (cdp: CDPSession) => Promise<T>): Promise<T> {
    const cdp = await this.session()
    try {
      return await call(cdp)
    } catch (e) {
      if (!/has not been enabled/.test(String(e))) throw e
      await cdp.send('WebAuthn.enable', { enableUI: false })
      return call(cdp)
    }
  }

  async add(opts: AuthenticatorOptions = {}): Promise<string> {
    const { authenticatorId } = await this.send((cdp) => cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        ctap2Version: 'ctap2_1',
        transport: opts.transport ?? 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        hasPrf: opts.hasPrf ?? true,
      },
    }))
    return authenticatorId
  }

  async remove(authenticatorId: string): Promise<void> {
    const cdp = await this.session()
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId })
  }

  async credentials(authenticatorId: string): Promise<VirtualCredential[]> {
    const cdp = await this.session()
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    return credentials as VirtualCredential[]
  }

  /** Makes the authenticator refuse user verification (a failed fingerprint). */
  async setUserVerified(authenticatorId: string, isUserVerified: boolean): Promise<void> {
    const cdp = await this.session()
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified })
  }
}
