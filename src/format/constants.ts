/**
 * Sizes and labels of Keepsake's formats (docs/KEYS.md, docs/FORMAT.md). Pure values only:
 * the server imports this file too.
 */

/** The app's current format/protocol generation; appears in every HKDF label. */
export const FORMAT_GENERATION = 'keepsake/v1'

// ── Key hierarchy (docs/KEYS.md) ─────────────────────────────────────────────────────────────────
/** Version byte of a key envelope, KEYS.md §4; a reader rejects any other value (`unknown-version`). */
export const KEY_ENVELOPE_VERSION = 1
/** Bytes of a whole v1 envelope: version, kind, salt, nonce, wrapped master key and tag (KEYS.md §4). */
export const KEY_ENVELOPE_SIZE = 94
/** Upper bound the server enforces on a stored envelope (bytes), leaving room for later versions. */
export const KEY_ENVELOPE_MAX_SIZE = 1024
/** Bytes of the master key, the root of every backup key (KEYS.md §2). */
export const MASTER_KEY_SIZE = 32
/** Bytes of the recovery key (KEYS.md §5). */
export const RECOVERY_KEY_SIZE = 32
/** Bytes of `recoveryId` (lookup handle) and `recoveryAuth` (proof sent to the server), KEYS.md §6. */
export const RECOVERY_ID_SIZE = 16
export const RECOVERY_AUTH_SIZE = 32
/** HKDF `info` labels and hashed constants of the key hierarchy (KEYS.md §3, §6). */
export const LABEL_PRF_INPUT = `${FORMAT_GENERATION}/prf-input`
export const LABEL_PASSKEY_KEK = `${FORMAT_GENERATION}/passkey-kek`
export const LABEL_RECOVERY_KEK = `${FORMAT_GENERATION}/recovery-kek`
export const LABEL_RECOVERY_ID = `${FORMAT_GENERATION}/recovery-id`
export const LABEL_RECOVERY_AUTH = `${FORMAT_GENERATION}/recovery-auth`
export const LABEL_ENVELOPE_AAD = `${FORMAT_GENERATION}/envelope`
