import { type KeyObject, createHash, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { encode } from 'cborg'

/** authenticatorData flags (WebAuthn §6.1). */
const UP = 0x01
const UV = 0x04
const BE = 0x08
const BS = 0x10
const AT = 0x40
const COSE_ES256 = -7

interface StoredCredential {
  id: Uint8Array
  rpId: string
  userHandle: string
  privateKey: KeyObject
  counter: number
}

/** What a test may bend in one ceremony to play an attacker or a broken authenticator. */
export interface CeremonyTweaks {
  origin?: string
  rpId?: string
  userVerified?: boolean
  /** The signature counter to report (default: the stored one plus one). */
  counter?: number
  /** Answer with this credential instead of the first allowed/resident one (at registration: register it again). */
  credentialId?: string
  type?: string
}

/**
 * A software passkey provider: ES256 keys from node:crypto, real authenticatorData bytes, 'none'
 * attestation in CBOR, assertions signed over authenticatorData || SHA-256(clientDataJSON). It
 * behaves like a synced platform authenticator (backup eligible and backed up, user verified).
 */
export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = []

  constructor(readonly origin: string) {}

  /** navigator.credentials.create() for the given options, as @simplewebauthn/browser would post it. */
  register(options: PublicKeyCredentialCreationOptionsJSON, tweaks: CeremonyTweaks = {}): RegistrationResponseJSON {
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id))
    const reused = this.credentials.find((c) => b64url(c.id) === tweaks.credentialId)
    if (!reused && this.credentials.some((c) => excluded.has(b64url(c.id)))) throw new Error('soft authenticator: InvalidStateError (excluded)')
    const rpId = options.rp.id ?? new URL(this.origin).hostname
    const { privateKey, publicKey } = reused
      ? { privateKey: reused.privateKey, publicKey: createPublicKey(reused.privateKey) }
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const id = reused?.id ?? new Uint8Array(randomBytes(32))
    const credential: StoredCredential = { id, rpId, userHandle: options.user.id, privateKey, counter: 0 }
    const jwk = publicKey.export({ format: 'jwk' })
    const cose = encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, COSE_ES256],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    )
    const counter = tweaks.counter ?? 0
    const attested = concat(new Uint8Array(16), u16(id.byteLength), id, cose)
    const authData = concat(rpIdHash(tweaks.rpId ?? rpId), flags(tweaks, AT), u32(counter), attested)
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, tweaks)
    credential.counter = counter
    if (!reused) this.credentials.push(credential)
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(encode({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal', 'hybrid'],
        publicKeyAlgorithm: COSE_ES256,
      },
    }
  }

  /** navigator.credentials.get() for the given options. */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, tweaks: CeremonyTweaks = {}): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(this.origin).hostname
    const allowed = (options.allowCredentials ?? []).map((c) => c.id)
    const credential = this.credentials.find((c) =>
      tweaks.credentialId ? b64url(c.id) === tweaks.credentialId : c.rpId === rpId && (allowed.length === 0 || allowed.includes(b64url(c.id))),
    )
    if (!credential) throw new Error('soft authenticator: NotAllowedError (no matching credential)')
    const counter = tweaks.counter ?? credential.counter + 1
    credential.counter = Math.max(credential.counter, counter)
    const authData = concat(rpIdHash(tweaks.rpId ?? rpId), flags(tweaks, 0), u32(counter))
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, tweaks)
    const signature = sign('sha256', concat(authData, sha256(clientDataJSON)), credential.privateKey)
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
    }
  }

  private clientData(type: string, challenge: string, tweaks: CeremonyTweaks): Uint8Array {
    const json = JSON.stringify({ type: tweaks.type ?? type, challenge, origin: tweaks.origin ?? this.origin, crossOrigin: false })
    return new TextEncoder().encode(json)
  }
}

function flags(tweaks: CeremonyTweaks, extra: number): Uint8Array {
  return Uint8Array.of(UP | (tweaks.userVerified === false ? 0 : UV) | BE | BS | extra)
}

function rpIdHash(rpId: string): Uint8Array {
  return sha256(new TextEncoder().encode(rpId))
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff)
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}
