import { randomBytes } from 'node:crypto'
import { mkdtemp, mkdir, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, DeleteObjectsCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import Database from 'better-sqlite3'
import pg from 'pg'
import { type ServerConfig, loadConfig } from '../../src/server/config'
import { createLogger } from '../../src/server/createLogger'
import { type Stores, openStores } from '../../src/server/stores/openStores'

/**
 * The store backends the server tests run on: the embedded stores always, and S3 + PostgreSQL
 * when test/services/start-services.sh has started them (it sets KEEPSAKE_TEST_S3 and
 * KEEPSAKE_TEST_PG with the variables the stores read). Each test server gets storage of its own:
 * a temporary directory, or a new PostgreSQL database and a new key prefix in the test bucket.
 */
export interface Backend {
  name: string
  s3: boolean
  postgres: boolean
}

const EMBEDDED: Backend = { name: 'directory + SQLite', s3: false, postgres: false }
const s3Running = process.env.KEEPSAKE_TEST_S3 === '1'
const postgresRunning = process.env.KEEPSAKE_TEST_PG === '1'

export const backends: Backend[] = [
  EMBEDDED,
  ...(s3Running || postgresRunning
    ? [{ name: `${s3Running ? 'S3' : 'directory'} + ${postgresRunning ? 'PostgreSQL' : 'SQLite'}`, s3: s3Running, postgres: postgresRunning }]
    : []),
]

/** MetaStore backends for the store-level tests: SQLite, and PostgreSQL when it runs. */
export const metaBackends: Backend[] = [
  { name: 'SQLite', s3: false, postgres: false },
  ...(postgresRunning ? [{ name: 'PostgreSQL', s3: false, postgres: true }] : []),
]

/** BlobStore backends for the store-level tests: a directory, and S3 when it runs. */
export const blobBackends: Backend[] = [
  { name: 'directory', s3: false, postgres: false },
  ...(s3Running ? [{ name: 'S3', s3: true, postgres: false }] : []),
]

/** The scale-out backend, when its services are running (for tests that only make sense there). */
export const scaleBackend: Backend | undefined = s3Running && postgresRunning ? backends[1] : undefined

/** Storage provisioned for one test server, and ways to look at it from outside the server. */
export interface TestStorage {
  backend: Backend
  /** The variables that point a server at this storage (STORAGE, S3_*, DATABASE_URL, DATA_DIR). */
  env: Record<string, string>
  dataDir: string
  /** Opens another pair of stores on the same storage: what a second server process would hold. */
  open(config?: Pick<ServerConfig, 'dataDir' | 'blobStore' | 'metaStore'>): Promise<Stores>
  /** Runs one SQL statement over a connection of its own (SQLite with foreign keys on). */
  exec(sql: string): Promise<void>
  /** Every row of `tables`, read over a connection of its own, in a stable order. */
  rows<T extends string>(tables: T[]): Promise<Record<T, unknown[]>>
  count(table: string): Promise<number>
  /** Keys of the blobs under `prefix`, in byte order. */
  blobKeys(prefix: string): Promise<string[]>
  /** What a write may leave behind besides blobs: temporary files, unfinished multipart uploads. */
  leftovers(): Promise<string[]>
  /** Something that changes when the blob's bytes are written again (inode and mtime; ETag and Last-Modified). */
  blobStamp(key: string): Promise<string>
  dispose(): Promise<void>
}

export async function provisionStorage(backend: Backend = EMBEDDED): Promise<TestStorage> {
  const root = await mkdtemp(join(tmpdir(), 'keepsake-storage-'))
  const dataDir = join(root, 'data')
  await mkdir(dataDir, { recursive: true })
  const env: Record<string, string> = { DATA_DIR: dataDir }
  const disposers: (() => Promise<unknown>)[] = [() => rm(root, { recursive: true, force: true })]

  let admin: pg.Pool | undefined
  if (backend.postgres) {
    const database = `keepsake_t${randomBytes(6).toString('hex')}`
    const server = new pg.Client({ connectionString: process.env.KEEPSAKE_TEST_DATABASE_URL })
    await server.connect()
    await server.query(`CREATE DATABASE ${database}`)
    await server.end()
    const url = new URL(process.env.KEEPSAKE_TEST_DATABASE_URL!)
    url.pathname = `/${database}`
    env.DATABASE_URL = url.href
    admin = new pg.Pool({ connectionString: url.href, max: 2 })
    admin.on('error', () => undefined) // an idle connection ended by DROP DATABASE … WITH (FORCE) below
    disposers.unshift(async () => {
      await admin!.end()
      const drop = new pg.Client({ connectionString: process.env.KEEPSAKE_TEST_DATABASE_URL })
      await drop.connect()
      await drop.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      await drop.end()
    })
  }

  let s3: S3Client | undefined
  const bucket = process.env.KEEPSAKE_TEST_S3_BUCKET ?? 'keepsake-test'
  const prefix = `t${randomBytes(6).toString('hex')}/`
  if (backend.s3) {
    Object.assign(env, { STORAGE: 's3', S3_BUCKET: bucket, S3_PREFIX: prefix, S3_FORCE_PATH_STYLE: '1' })
    s3 = new S3Client({ forcePathStyle: true })
    await ensureBucket(s3, bucket)
    disposers.unshift(async () => {
      const keys = await listKeys(s3!, bucket, prefix)
      for (let i = 0; i < keys.length; i += 1000) {
        await s3!.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }))
      }
      s3!.destroy()
    })
  }

  const config = loadConfig(env)
  const sqlite = () => new Database(join(dataDir, 'meta.sqlite'), { readonly: true })
  return {
    backend,
    env,
    dataDir,
    open: (other = config) => openStores(other, createLogger('silent')),
    async exec(sql) {
      if (admin) {
        await admin.query(sql)
        return
      }
      const db = new Database(join(dataDir, 'meta.sqlite'))
      try {
        db.pragma('foreign_keys = ON')
        db.exec(sql)
      } finally {
        db.close()
      }
    },
    async rows<T extends string>(tables: T[]) {
      if (admin) {
        const out = {} as Record<T, unknown[]>
        for (const table of tables) out[table] = (await admin.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)).rows
        return out
      }
      const db = sqlite()
      try {
        return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all()])) as Record<T, unknown[]>
      } finally {
        db.close()
      }
    },
    async count(table) {
      if (admin) return Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)
      const db = sqlite()
      try {
        return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
      } finally {
        db.close()
      }
    },
    async blobKeys(keyPrefix) {
      if (s3) return (await listKeys(s3, bucket, prefix + keyPrefix)).map((key) => key.slice(prefix.length))
      return (await filesUnder(join(dataDir, 'blobs'))).filter((key) => key.startsWith(keyPrefix) && !key.startsWith('.tmp/'))
    },
    async leftovers() {
      if (s3) {
        const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))
        return (uploads.Uploads ?? []).map((upload) => `multipart upload of ${upload.Key}`)
      }
      return readdir(join(dataDir, 'blobs', '.tmp')).catch(() => [])
    },
    async blobStamp(key) {
      if (s3) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }))
        return `${head.ETag} ${head.LastModified?.toISOString()}`
      }
      const info = await stat(join(dataDir, 'blobs', key))
      return `${info.ino} ${info.mtimeMs}`
    },
    async dispose() {
      for (const dispose of disposers) await dispose()
    },
  }
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (e) {
    const name = (e as Error).name
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw e
  }
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
    for (const object of page.Contents ?? []) keys.push(object.Key!)
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return keys
}

async function filesUnder(dir: string, base = ''): Promise<string[]> {
  const entries = await readdir(join(dir, base), { withFileTypes: true }).catch(() => [])
  const files: string[] = []
  for (const entry of entries) {
    const key = base ? `${base}/${entry.name}` : entry.name
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, key)))
    else files.push(key)
  }
  return files.sort()
}
