import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ServerConfig } from '../config'
import type { Logger } from '../createLogger'
import type { BlobStore } from './BlobStore'
import { FsBlobStore } from './FsBlobStore'
import type { MetaStore } from './MetaStore'
import { PostgresMetaStore } from './PostgresMetaStore'
import { S3BlobStore } from './S3BlobStore'
import { SqliteMetaStore } from './SqliteMetaStore'

export interface Stores {
  meta: MetaStore
  blobs: BlobStore
}

/**
 * Opens the stores the configuration names: `DATA_DIR/meta.sqlite` or PostgreSQL (migrated
 * before this resolves), `DATA_DIR/blobs` or an S3-compatible bucket (checked before this
 * resolves). When either fails, the one already open is closed again.
 */
export async function openStores(config: Pick<ServerConfig, 'dataDir' | 'blobStore' | 'metaStore'>, log: Logger): Promise<Stores> {
  const { dataDir, blobStore, metaStore } = config
  if (blobStore.kind === 'directory' || metaStore.kind === 'sqlite') await mkdir(dataDir, { recursive: true })
  const meta: MetaStore =
    metaStore.kind === 'postgres'
      ? await PostgresMetaStore.open({
          url: metaStore.url,
          poolSize: metaStore.poolSize,
          onIdleError: (e) => log.warn('meta store: an idle database connection failed', { message: e.message }),
        })
      : SqliteMetaStore.open(join(dataDir, 'meta.sqlite'))
  try {
    const blobs: BlobStore =
      blobStore.kind === 's3'
        ? await S3BlobStore.open({ bucket: blobStore.bucket, prefix: blobStore.prefix, forcePathStyle: blobStore.forcePathStyle })
        : await FsBlobStore.open(join(dataDir, 'blobs'))
    return { meta, blobs }
  } catch (e) {
    await meta.close()
    throw e
  }
}

/** What the startup log line says about the stores (never a password). */
export function describeStores(config: Pick<ServerConfig, 'blobStore' | 'metaStore'>): Record<string, string> {
  const { blobStore, metaStore } = config
  let database = 'sqlite'
  if (metaStore.kind === 'postgres') {
    const url = new URL(metaStore.url)
    database = `postgres://${url.host}${url.pathname}`
  }
  return {
    blobStore: blobStore.kind === 's3' ? `s3://${blobStore.bucket}/${blobStore.prefix}` : 'directory',
    metaStore: database,
  }
}
