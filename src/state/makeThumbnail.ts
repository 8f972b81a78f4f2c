/** Longest side of a thumbnail, in pixels (shown at up to half of this on high-density screens). */
export const THUMBNAIL_SIZE = 480

export interface Thumbnail {
  blob: Blob
  /** The full image's pixel size. */
  width: number
  height: number
}

/**
 * A small JPEG preview of a photo, made once when it is attached so the conversation never decodes full
 * images while scrolling. Undefined when the browser cannot decode the file as an image.
 */
export async function makeThumbnail(file: Blob): Promise<Thumbnail | undefined> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return undefined
  }
  try {
    const { width, height } = bitmap
    const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height))
    const w = Math.max(1, Math.round(width * scale))
    const h = Math.max(1, Math.round(height * scale))
    const canvas = new OffscreenCanvas(w, h)
    const context = canvas.getContext('2d')
    if (!context) return undefined
    context.fillStyle = '#ffffff' // JPEG has no transparency: transparent pixels would turn black
    context.fillRect(0, 0, w, h)
    context.imageSmoothingQuality = 'high'
    context.drawImage(bitmap, 0, 0, w, h)
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 })
    return { blob, width, height }
  } finally {
    bitmap.close()
  }
}
