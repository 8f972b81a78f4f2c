import { BackupDB } from '../db/BackupDB'

let database: BackupDB | undefined

/** The page's one connection to `keepsake-backup` (opened on first use). */
export function backupDatabase(): BackupDB {
  database ??= new BackupDB()
  return database
}
