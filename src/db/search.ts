import { searchTokens, type ChatDB, type Conversation, type Message, type MessageId } from './ChatDB'

export interface SearchHit {
  message: Message
  conversation: Conversation
  snippet: Snippet
}

/** A piece of message text around the first match, split so the UI can highlight the match. */
export interface Snippet {
  before: string
  match: string
  after: string
}

/** Most candidate keys read for one query; past this a very common prefix searches part of the history. */
const MAX_CANDIDATES = 200_000

/**
 * Messages whose words start with every word of the query, newest first. One word is looked up in the
 * multi-entry `words` index (the longest, as the most selective); the other words filter the candidates.
 * Message ids sort by time (see newId), so candidates are ordered by key without loading them, and
 * records are loaded in small batches only until `limit` hits are found.
 */
export async function searchMessages(db: ChatDB, query: string, limit = 50): Promise<SearchHit[]> {
  const tokens = searchTokens(query)
  if (tokens.length === 0) return []
  const key = tokens.reduce((a, b) => (b.length > a.length ? b : a))
  const rest = tokens.filter((t) => t !== key)
  const candidates = await db.messages.where('words').startsWith(key).limit(MAX_CANDIDATES).primaryKeys()
  const ids = [...new Set(candidates)].sort().reverse() as MessageId[]

  const found: Message[] = []
  for (let i = 0; i < ids.length && found.length < limit; i += limit) {
    const batch = await db.messages.bulkGet(ids.slice(i, i + limit))
    for (const m of batch) {
      if (m && rest.every((t) => m.words.some((w) => w.startsWith(t)))) found.push(m)
      if (found.length === limit) break
    }
  }
  found.sort((a, b) => b.createdAt - a.createdAt)

  const conversationIds = [...new Set(found.map((m) => m.conversationId))]
  const conversations = await db.conversations.bulkGet(conversationIds)
  const byId = new Map(conversations.filter((c): c is Conversation => !!c).map((c) => [c.id, c]))
  return found.flatMap((message) => {
    const conversation = byId.get(message.conversationId)
    return conversation ? [{ message, conversation, snippet: snippetOf(message.text, tokens) }] : []
  })
}

/** Cuts `text` around the first word that starts with one of `tokens` (case-insensitive). */
export function snippetOf(text: string, tokens: string[], context = { before: 30, after: 90 }): Snippet {
  const flat = text.replace(/\s+/g, ' ').trim()
  const lower = flat.toLocaleLowerCase()
  let at = -1
  let length = 0
  for (const token of tokens) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(token)}`, 'u')
    const m = re.exec(lower)
    if (m && (at === -1 || m.index < at)) {
      at = m.index
      length = token.length
    }
  }
  if (at === -1) return { before: '', match: '', after: cut(flat, context.before + context.after) }
  const from = Math.max(0, at - context.before)
  const start = from > 0 ? flat.indexOf(' ', from) + 1 || from : 0
  const before = (start > 0 ? '…' : '') + flat.slice(Math.min(start, at), at)
  return { before, match: flat.slice(at, at + length), after: cut(flat.slice(at + length), context.after) }
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const space = text.lastIndexOf(' ', max)
  return text.slice(0, space > max / 2 ? space : max) + '…'
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
