import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/server/config'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('has defaults for a local start', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: resolve('data'),
      staticDir: resolve(import.meta.dirname, '../../dist'),
      rpId: 'localhost',
      rpName: 'Keepsake',
      origins: ['http://localhost:8080'],
      sessionTtlHours: 720,
      maxJsonBytes: 65536,
      authRateLimit: 30,
      trustProxy: false,
      logLevel: 'info',
      shutdownTimeoutMs: 10000,
      maxChunkBytes: 17 * 1024 * 1024,
      quotaBytes: 10 * 1024 ** 3,
      retainSnapshots: 10,
      gcGraceHours: 24,
      blobStore: { kind: 'directory' },
      metaStore: { kind: 'sqlite' },
    })
  })

  it('reads every variable', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '443',
      DATA_DIR: '/var/lib/keepsake',
      STATIC_DIR: '/srv/keepsake',
      RP_ID: 'keepsake.example',
      RP_NAME: 'Keepsake Family',
      ORIGINS: 'https://keepsake.example, https://app.keepsake.example',
      SESSION_TTL_HOURS: '24',
      MAX_JSON_BYTES: '8192',
      AUTH_RATE_LIMIT: '60',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '2000',
      MAX_CHUNK_BYTES: '8388608',
      QUOTA_BYTES: '0',
      RETAIN_SNAPSHOTS: '30',
      GC_GRACE_HOURS: '72',
    })
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 443,
      dataDir: '/var/lib/keepsake',
      staticDir: '/srv/keepsake',
      rpId: 'keepsake.example',
      origins: ['https://keepsake.example', 'https://app.keepsake.example'],
      sessionTtlHours: 24,
      trustProxy: true,
      logLevel: 'warn',
      maxChunkBytes: 8388608,
      quotaBytes: 0,
      retainSnapshots: 30,
      gcGraceHours: 72,
    })
  })

  it('names every bad value', () => {
    expect(problems({ PORT: 'eighty', LOG_LEVEL: 'loud', SESSION_TTL_HOURS: '0' })).toEqual([
      'PORT: PORT must be a whole number',
      'SESSION_TTL_HOURS: SESSION_TTL_HOURS must be at least 1',
      'LOG_LEVEL: LOG_LEVEL must be one of debug, info, warn, error, silent',
    ])
    expect(problems({ PORT: '70000' })).toEqual(['PORT: PORT must be at most 65535'])
    expect(problems({ RP_ID: 'Not A Host' })[0]).toMatch(/RP_ID must be a lower-case host name/)
    expect(problems({ TRUST_PROXY: 'yes' })[0]).toMatch(/TRUST_PROXY must be 0, 1, false or true/)
    expect(problems({ MAX_CHUNK_BYTES: '1000', QUOTA_BYTES: '-1', RETAIN_SNAPSHOTS: '0', GC_GRACE_HOURS: '1.5' })).toEqual([
      'MAX_CHUNK_BYTES: MAX_CHUNK_BYTES must be at least 4096',
      'QUOTA_BYTES: QUOTA_BYTES must be a whole number',
      'RETAIN_SNAPSHOTS: RETAIN_SNAPSHOTS must be at least 1',
      'GC_GRACE_HOURS: GC_GRACE_HOURS must be a whole number',
    ])
    expect(problems({ QUOTA_BYTES: '99999999999999999999' })).toEqual([`QUOTA_BYTES: QUOTA_BYTES must be at most ${Number.MAX_SAFE_INTEGER}`])
  })

  it('reads the scale-out stores: an S3-compatible bucket and PostgreSQL', () => {
    const config = loadConfig({
      STORAGE: 's3',
      S3_BUCKET: 'keepsake-chunks',
      S3_PREFIX: 'prod/eu',
      S3_FORCE_PATH_STYLE: '1',
      DATABASE_URL: 'postgres://keepsake:secret@db.internal:5432/keepsake?sslmode=require',
      DATABASE_POOL_SIZE: '25',
    })
    expect(config.blobStore).toEqual({ kind: 's3', bucket: 'keepsake-chunks', prefix: 'prod/eu/', forcePathStyle: true })
    expect(config.metaStore).toEqual({ kind: 'postgres', url: 'postgres://keepsake:secret@db.internal:5432/keepsake?sslmode=require', poolSize: 25 })
    expect(loadConfig({ STORAGE: 's3', S3_BUCKET: 'b.example-1' }).blobStore).toEqual({ kind: 's3', bucket: 'b.example-1', prefix: '', forcePathStyle: false })
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/keepsake' }).metaStore).toEqual({ kind: 'postgres', url: 'postgresql://db/keepsake', poolSize: 10 })
  })

  it('names bad store settings', () => {
    expect(problems({ STORAGE: 's3' })).toEqual(['S3_BUCKET: required with STORAGE=s3'])
    expect(problems({ S3_BUCKET: 'chunks' })).toEqual(['S3_BUCKET: set only with STORAGE=s3'])
    expect(problems({ STORAGE: 'gcs' })[0]).toMatch(/STORAGE must be directory or s3/)
    expect(problems({ STORAGE: 's3', S3_BUCKET: 'Has_Upper' })[0]).toMatch(/S3_BUCKET must be a bucket name/)
    for (const prefix of ['/abs', 'a//b', '../up', 'a b', 'dot.ted/']) {
      expect(problems({ STORAGE: 's3', S3_BUCKET: 'chunks', S3_PREFIX: prefix })[0], prefix).toMatch(/S3_PREFIX must be path segments/)
    }
    expect(problems({ DATABASE_URL: 'mysql://db/keepsake' })[0]).toMatch(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/)
    expect(problems({ DATABASE_URL: 'postgres://db/k', DATABASE_POOL_SIZE: '0' })).toEqual(['DATABASE_POOL_SIZE: DATABASE_POOL_SIZE must be at least 1'])
  })

  it('refuses origins WebAuthn would refuse', () => {
    expect(problems({ ORIGINS: 'http://keepsake.example', RP_ID: 'keepsake.example' })[0]).toMatch(/must use https/)
    expect(problems({ ORIGINS: 'https://other.example' })[0]).toMatch(/not within RP_ID localhost/)
    expect(problems({ ORIGINS: 'http://localhost:8080/app' })[0]).toMatch(/must be written exactly as "http:\/\/localhost:8080"/)
    expect(problems({ ORIGINS: 'localhost' })[0]).toMatch(/is not a URL/)
    expect(problems({ ORIGINS: ' , ' })).toEqual(['ORIGINS: list at least one origin'])
  })
})
