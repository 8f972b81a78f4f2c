import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as v from 'valibot'

/** The project's top-level folder: the default STATIC_DIR is its `dist/`, wherever the server starts. */
const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url))

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface ServerConfig {
  host: string
  /** 0 picks a free port (the `listening` log line tells which). */
  port: number
  dataDir: string
  staticDir: string
  rpId: string
  rpName: string
  /** Exact origins (scheme://host[:port]) the browser may use; WebAuthn responses must come from one of them. */
  origins: string[]
  sessionTtlHours: number
  /** Largest JSON request body, in bytes. */
  maxJsonBytes: number
  /** Requests per minute per client IP on /api/auth/*. */
  authRateLimit: number
  /** Take the client IP from the last X-Forwarded-For entry (set it only behind a reverse proxy). */
  trustProxy: boolean
  logLevel: LogLevel
  /** How long shutdown waits for in-flight requests before cutting them. */
  shutdownTimeoutMs: number
  /** Largest chunk object a PUT /api/chunks/:id may carry, in bytes (enforced while streaming). */
  maxChunkBytes: number
  /** Bytes of chunks one account may store; 0 means no limit. */
  quotaBytes: number
  /** Snapshots kept per account: a commit deletes the records of older ones. */
  retainSnapshots: number
  /** How long an unreferenced chunk (an upload not yet committed) survives garbage collection. */
  gcGraceHours: number
  /** Where chunk bytes live: `DATA_DIR/blobs`, or an S3-compatible bucket (docs/SCALE.md). */
  blobStore: BlobStoreConfig
  /** Where everything else lives: `DATA_DIR/meta.sqlite`, or PostgreSQL (docs/SCALE.md). */
  metaStore: MetaStoreConfig
}

export type BlobStoreConfig =
  | { kind: 'directory' }
  /** Endpoint, region and credentials come from the AWS SDK's standard variables (AWS_ENDPOINT_URL, AWS_REGION, …). */
  | { kind: 's3'; bucket: string; prefix: string; forcePathStyle: boolean }

export type MetaStoreConfig = { kind: 'sqlite' } | { kind: 'postgres'; url: string; poolSize: number }

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`)
  }
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
/** Blob key segments (stores/BlobStore.ts), each followed by `/`; the final `/` may be left out. */
const S3_PREFIX = /^([A-Za-z0-9_-]{1,128}\/){0,6}([A-Za-z0-9_-]{1,128}\/?)?$/

const intIn = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `${name} must be a whole number`),
    v.transform(Number),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  )

const text = (name: string) => v.pipe(v.string(), v.trim(), v.nonEmpty(`${name} must not be empty`))

const EnvSchema = v.object({
  HOST: v.optional(text('HOST'), '127.0.0.1'),
  PORT: v.optional(intIn('PORT', 0, 65535), '8080'),
  DATA_DIR: v.optional(text('DATA_DIR'), './data'),
  STATIC_DIR: v.optional(text('STATIC_DIR')),
  RP_ID: v.optional(v.pipe(v.string(), v.regex(HOSTNAME, 'RP_ID must be a lower-case host name such as example.com')), 'localhost'),
  RP_NAME: v.optional(v.pipe(text('RP_NAME'), v.maxLength(64, 'RP_NAME must be at most 64 characters')), 'Keepsake'),
  ORIGINS: v.optional(text('ORIGINS')),
  SESSION_TTL_HOURS: v.optional(intIn('SESSION_TTL_HOURS', 1, 24 * 366), '720'),
  MAX_JSON_BYTES: v.optional(intIn('MAX_JSON_BYTES', 4096, 16 * 1024 * 1024), '65536'),
  AUTH_RATE_LIMIT: v.optional(intIn('AUTH_RATE_LIMIT', 1, 100_000), '30'),
  TRUST_PROXY: v.optional(v.picklist(['0', '1', 'false', 'true'], 'TRUST_PROXY must be 0, 1, false or true'), '0'),
  LOG_LEVEL: v.optional(v.picklist(LOG_LEVELS, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`), 'info'),
  SHUTDOWN_TIMEOUT_MS: v.optional(intIn('SHUTDOWN_TIMEOUT_MS', 100, 600_000), '10000'),
  MAX_CHUNK_BYTES: v.optional(intIn('MAX_CHUNK_BYTES', 4096, 1024 * 1024 * 1024), String(17 * 1024 * 1024)),
  QUOTA_BYTES: v.optional(intIn('QUOTA_BYTES', 0, Number.MAX_SAFE_INTEGER), String(10 * 1024 ** 3)),
  RETAIN_SNAPSHOTS: v.optional(intIn('RETAIN_SNAPSHOTS', 1, 10_000), '10'),
  GC_GRACE_HOURS: v.optional(intIn('GC_GRACE_HOURS', 1, 24 * 366), '24'),
  STORAGE: v.optional(v.picklist(['directory', 's3'], 'STORAGE must be directory or s3'), 'directory'),
  S3_BUCKET: v.optional(v.pipe(v.string(), v.regex(S3_BUCKET, 'S3_BUCKET must be a bucket name: 3–63 lower-case letters, digits, dots and hyphens'))),
  S3_PREFIX: v.optional(v.pipe(v.string(), v.regex(S3_PREFIX, 'S3_PREFIX must be path segments of letters, digits, _ and - joined by /, such as keepsake/'))),
  S3_FORCE_PATH_STYLE: v.optional(v.picklist(['0', '1', 'false', 'true'], 'S3_FORCE_PATH_STYLE must be 0, 1, false or true'), '0'),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\/\S+$/, 'DATABASE_URL must be a postgres:// or postgresql:// URL'))),
  DATABASE_POOL_SIZE: v.optional(intIn('DATABASE_POOL_SIZE', 1, 1000), '10'),
})


/** Reads and validates the environment; throws {@link ConfigError} listing every bad value. */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = v.safeParse(EnvSchema, present)
  if (!parsed.success) {
    throw new ConfigError(parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '?'}: ${issue.message}`))
  }
  const e = parsed.output
  const origins = (e.ORIGINS ?? `http://localhost:${e.PORT}`).split(',').map((origin) => origin.trim()).filter(Boolean)
  const problems = origins.flatMap((origin) => originProblems(origin, e.RP_ID))
  if (origins.length === 0) problems.push('ORIGINS: list at least one origin')
  if (e.STORAGE === 's3' && !e.S3_BUCKET) problems.push('S3_BUCKET: required with STORAGE=s3')
  if (e.STORAGE !== 's3') {
    for (const name of ['S3_BUCKET', 'S3_PREFIX'] as const) if (e[name] !== undefined) problems.push(`${name}: set only with STORAGE=s3`)
  }
  if (problems.length) throw new ConfigError(problems)
  const prefix = e.S3_PREFIX ?? ''
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: resolve(e.DATA_DIR),
    staticDir: e.STATIC_DIR ? resolve(e.STATIC_DIR) : resolve(PROJECT_DIR, 'dist'),
    rpId: e.RP_ID,
    rpName: e.RP_NAME,
    origins,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    maxJsonBytes: e.MAX_JSON_BYTES,
    authRateLimit: e.AUTH_RATE_LIMIT,
    trustProxy: isTrue(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    maxChunkBytes: e.MAX_CHUNK_BYTES,
    quotaBytes: e.QUOTA_BYTES,
    retainSnapshots: e.RETAIN_SNAPSHOTS,
    gcGraceHours: e.GC_GRACE_HOURS,
    blobStore:
      e.STORAGE === 's3'
        ? { kind: 's3', bucket: e.S3_BUCKET!, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix, forcePathStyle: isTrue(e.S3_FORCE_PATH_STYLE) }
        : { kind: 'directory' },
    metaStore: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : { kind: 'sqlite' },
  }
}

const isTrue = (flag: string) => flag === '1' || flag === 'true'

/** An origin must be exactly scheme://host[:port], https unless it is localhost, and inside RP_ID. */
function originProblems(origin: string, rpId: string): string[] {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return [`ORIGINS: ${JSON.stringify(origin)} is not a URL`]
  }
  if (url.origin !== origin) return [`ORIGINS: ${JSON.stringify(origin)} must be written exactly as ${JSON.stringify(url.origin)}`]
  const problems: string[] = []
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) {
    problems.push(`ORIGINS: ${origin} must use https (only http://localhost may use http: passkeys need a secure context)`)
  }
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    problems.push(`ORIGINS: ${origin} is not within RP_ID ${rpId}`)
  }
  return problems
}
