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

// ── Backup format (docs/FORMAT.md) ───────────────────────────────────────────────────────────────
/** Version byte of every v1 backup object (chunk, manifest), FORMAT.md §3; a reader rejects others. */
export const BACKUP_FORMAT_VERSION = 1
/** First four bytes of an encrypted chunk / manifest, FORMAT.md §3. */
export const CHUNK_MAGIC = 'ksck'
export const MANIFEST_MAGIC = 'ksmf'
/** Bytes of the public key identifier, the chunk id, the snapshot id, an AES-GCM nonce and tag (FORMAT.md §2–§5). */
export const KEY_ID_SIZE = 16
export const CHUNK_ID_SIZE = 32
export const SNAPSHOT_ID_SIZE = 16
export const BACKUP_NONCE_SIZE = 12
export const BACKUP_TAG_SIZE = 16
/** `magic || version || keyId || nonce`, FORMAT.md §4. */
export const CHUNK_HEADER_SIZE = 4 + 1 + KEY_ID_SIZE + BACKUP_NONCE_SIZE
/** `magic || version || keyId || snapshotId || nonce || sealedLength`, FORMAT.md §5. */
export const MANIFEST_HEADER_SIZE = 4 + 1 + KEY_ID_SIZE + SNAPSHOT_ID_SIZE + BACKUP_NONCE_SIZE + 4
/** Attachments are cut into parts of this many bytes (the last may be shorter), FORMAT.md §6.2. */
export const ATTACHMENT_PART_SIZE = 4 * 1024 * 1024
/** A message page closes after this many messages, or before it would pass PAGE_MAX_BYTES (FORMAT.md §6.1). */
export const PAGE_MESSAGES = 256
export const PAGE_MAX_BYTES = 4 * 1024 * 1024
/** Largest chunk plaintext a v1 reader accepts (bytes), FORMAT.md §4. */
export const MAX_CHUNK_LENGTH = 64 * 1024 * 1024
/** HKDF `info` labels of the backup keys (FORMAT.md §2). */
export const LABEL_KEY_ID = `${FORMAT_GENERATION}/key-id`
export const LABEL_CHUNK_ID = `${FORMAT_GENERATION}/chunk-id`
export const LABEL_CHUNK_ENC = `${FORMAT_GENERATION}/chunk-enc`
export const LABEL_MANIFEST = `${FORMAT_GENERATION}/manifest`
