import { ParseError, parseDictionary, serializeDictionary } from 'structured-headers'
import { ApiError } from './ApiError'

const SHA256_BYTES = 32

/**
 * The SHA-256 a request's `Content-Digest` (RFC 9530) announces for its body: the `sha-256` member
 * of the dictionary (other algorithms may sit beside it and are ignored). A missing header, a
 * header that is not a structured-field dictionary, or one without a 32-byte `sha-256` byte
 * sequence is 400 `digest-missing`: the server stores no chunk it cannot verify.
 */
export function readContentDigest(header: string | undefined): Uint8Array {
  if (!header) throw new ApiError('digest-missing', 'send Content-Digest: sha-256=:<base64 of the body’s SHA-256>:')
  let value: unknown
  try {
    value = parseDictionary(header).get('sha-256')?.[0]
  } catch (e) {
    if (!(e instanceof ParseError)) throw e
    throw new ApiError('digest-missing', 'Content-Digest is not a structured-field dictionary (RFC 9530)')
  }
  if (!(value instanceof ArrayBuffer) || value.byteLength !== SHA256_BYTES) {
    throw new ApiError('digest-missing', 'Content-Digest has no sha-256 byte sequence of 32 bytes')
  }
  return new Uint8Array(value)
}

/** `sha-256=:<base64>:` for an answer's Content-Digest. */
export function contentDigest(sha256: Uint8Array): string {
  return serializeDictionary({ 'sha-256': sha256 })
}
