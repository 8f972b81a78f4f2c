import type { ServerConfig } from '../config'
import type { Logger } from '../createLogger'
import type { BlobStore } from '../stores/BlobStore'
import type { MetaStore, SessionRecord } from '../stores/MetaStore'

/** What every route needs; passed in so tests can run the app on their own stores and clock. */
export interface AppDeps {
  config: ServerConfig
  blobs: BlobStore
  meta: MetaStore
  log: Logger
  /** Milliseconds since the Unix epoch. */
  clock: () => number
}

export interface AppEnv {
  Variables: {
    requestId: string
    /** The signed-in session, or `null`; set for every /api request. */
    session: SessionRecord | null
  }
}
