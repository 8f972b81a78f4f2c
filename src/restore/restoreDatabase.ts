import { RestoreDB } from '../db/RestoreDB'

let database: RestoreDB | undefined

/** The page's one connection to `keepsake-restore` (opened on first use). */
export function restoreDatabase(): RestoreDB {
  database ??= new RestoreDB()
  return database
}
