import { ChatDB } from '../db/ChatDB'

let db: ChatDB | undefined

/** The page's one connection to the chats database, opened on first use. */
export function useChatDB(): ChatDB {
  db ??= new ChatDB()
  return db
}
