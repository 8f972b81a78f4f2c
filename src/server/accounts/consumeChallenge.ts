import { ApiError } from '../http/ApiError'
import type { ChallengePurpose, ChallengeRecord, MetaStore } from '../stores/MetaStore'

/** Challenges live 5 minutes, the same as the ceremony timeout the options ask the browser for. */
export const CHALLENGE_TTL_MS = 5 * 60_000

/**
 * Finds the challenge a WebAuthn response answers (from its clientDataJSON) and deletes it in the
 * same step, so it can serve once whatever the outcome; then checks it is unexpired and was made
 * for `purpose`. Every refusal is 400 `challenge-invalid`.
 */
export async function consumeChallenge(
  meta: MetaStore,
  clientDataJSON: string,
  purpose: ChallengePurpose,
  now: number,
): Promise<ChallengeRecord> {
  let challenge: unknown
  try {
    challenge = (JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge
  } catch {
    throw new ApiError('webauthn-invalid', 'clientDataJSON is not valid JSON')
  }
  if (typeof challenge !== 'string' || challenge === '' || challenge.length > 256) {
    throw new ApiError('webauthn-invalid', 'clientDataJSON has no challenge')
  }
  const record = await meta.takeChallenge(challenge)
  if (!record) throw new ApiError('challenge-invalid', 'the challenge is unknown or was already used; ask for new options')
  if (record.expiresAt <= now) throw new ApiError('challenge-invalid', 'the challenge expired; ask for new options')
  if (record.purpose !== purpose) throw new ApiError('challenge-invalid', `the challenge was issued for ${record.purpose}, not ${purpose}`)
  return record
}
