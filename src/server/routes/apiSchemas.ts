import * as v from 'valibot'

const BASE64URL = /^[A-Za-z0-9_-]*$/

/** A base64url string (no padding) of `min`–`max` bytes, decoded. */
export function base64urlBytes(min: number, max: number) {
  const size = min === max ? `${min} bytes` : `${min}–${max} bytes`
  return v.pipe(
    v.string('must be a base64url string'),
    v.regex(BASE64URL, 'must be base64url without padding'),
    v.check((s) => s.length % 4 !== 1, 'must be base64url without padding'),
    v.transform((s) => new Uint8Array(Buffer.from(s, 'base64url'))),
    v.check((bytes) => bytes.byteLength >= min && bytes.byteLength <= max, `must encode ${size}`),
  )
}

/** A base64url string as it is, e.g. a credential id (WebAuthn allows up to 1023 bytes). */
export const Base64urlString = v.pipe(
  v.string('must be a base64url string'),
  v.nonEmpty('must not be empty'),
  v.maxLength(1364, 'is too long'),
  v.regex(BASE64URL, 'must be base64url without padding'),
  v.check((s) => s.length % 4 !== 1, 'must be base64url without padding'),
)

const Name = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
)

/** Key envelopes are opaque to the server; 1 KiB is far more than a wrapped 32-byte key needs. */
export const MAX_ENVELOPE_BYTES = 1024
const Envelope = base64urlBytes(1, MAX_ENVELOPE_BYTES)

/** PRF outputs never reach the server: the client deletes `prf` results before posting. */
const ClientExtensionResults = v.pipe(
  v.looseObject({}),
  v.check(
    (results) => !(typeof results.prf === 'object' && results.prf !== null && 'results' in results.prf),
    'must not carry PRF results (delete clientExtensionResults.prf before posting)',
  ),
)

const Attachment = v.optional(v.picklist(['platform', 'cross-platform']))

export const RegistrationResponseSchema = v.object({
  id: Base64urlString,
  rawId: Base64urlString,
  type: v.literal('public-key'),
  authenticatorAttachment: Attachment,
  clientExtensionResults: ClientExtensionResults,
  response: v.looseObject({
    clientDataJSON: Base64urlString,
    attestationObject: Base64urlString,
    transports: v.optional(v.array(v.pipe(v.string(), v.maxLength(32)))),
  }),
})

export const AuthenticationResponseSchema = v.object({
  id: Base64urlString,
  rawId: Base64urlString,
  type: v.literal('public-key'),
  authenticatorAttachment: Attachment,
  clientExtensionResults: ClientExtensionResults,
  response: v.looseObject({
    clientDataJSON: Base64urlString,
    authenticatorData: Base64urlString,
    signature: Base64urlString,
    userHandle: v.optional(Base64urlString),
  }),
})

export const RegisterOptionsBody = v.object({ displayName: v.optional(Name) })
export const RegisterVerifyBody = v.object({ response: RegistrationResponseSchema, name: v.optional(Name) })
export const LoginOptionsBody = v.object({ scope: v.optional(v.literal('account')) })
export const LoginVerifyBody = v.object({ response: AuthenticationResponseSchema })
export const RecoveryBody = v.object({ recoveryId: base64urlBytes(16, 16), recoveryAuth: base64urlBytes(32, 32) })
export const RenameBody = v.object({ name: Name })
export const PasskeyEnvelopeBody = v.object({ envelope: Envelope })
export const RecoveryEnvelopeBody = v.object({
  envelope: Envelope,
  recoveryId: base64urlBytes(16, 16),
  recoveryAuth: base64urlBytes(32, 32),
})

/** At most this many chunk ids per missing-check. */
export const MAX_MISSING_IDS = 1000
/** A sealed manifest is at most 4 MiB. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024
/** A snapshot names at most this many chunks (100 000 × 4 MiB parts is 400 GB). */
export const MAX_SNAPSHOT_CHUNKS = 100_000

/** Ids are checked one by one afterwards, so a bad one is answered `bad-chunk-id` with its index. */
export const MissingChunksBody = v.object({
  ids: v.pipe(
    v.array(v.string('must be strings'), 'must be an array of chunk ids'),
    v.minLength(1, 'must name at least one chunk id'),
    v.maxLength(MAX_MISSING_IDS, `must name at most ${MAX_MISSING_IDS} chunk ids`),
  ),
})

export const SnapshotBody = v.object({
  id: v.string('must be a string'),
  manifest: base64urlBytes(1, MAX_MANIFEST_BYTES),
  chunkIds: v.pipe(
    v.array(v.string('must be strings'), 'must be an array of chunk ids'),
    v.maxLength(MAX_SNAPSHOT_CHUNKS, `must name at most ${MAX_SNAPSHOT_CHUNKS} chunk ids`),
  ),
  sizeBytes: v.pipe(v.number('must be a number'), v.safeInteger('must be a whole number'), v.minValue(0, 'must not be negative')),
})
