import type { AttachmentId, ChatDB } from '../db/ChatDB'

/** Hands an attachment to the browser's downloads under its original name. */
export async function saveAttachment(db: ChatDB, id: AttachmentId): Promise<void> {
  const attachment = await db.attachments.get(id)
  if (!attachment) throw new Error('saveAttachment: internal error: attachment missing')
  const url = URL.createObjectURL(attachment.blob)
  const link = document.createElement('a')
  link.href = url
  link.download = attachment.name
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // The download reads the Blob after click() returns; revoking at once can cancel it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
