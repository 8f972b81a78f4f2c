/**
 * Sizes and labels of Keepsake's formats (docs/KEYS.md, docs/FORMAT.md). Pure values only:
 * the server imports this file too.
 */

/** The app's current format/protocol generation; appears in every HKDF label. */
export const FORMAT_GENERATION = 'keepsake/v1'
