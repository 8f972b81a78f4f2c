import { randomBytes } from 'node:crypto'
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import pg from 'pg'

/** Whether test/services/start-services.sh has started PostgreSQL and S3 for this run. */
export const scaleServicesRunning = process.env.KEEPSAKE_TEST_S3 === '1' && process.env.KEEPSAKE_TEST_PG === '1'

/**
 * Scale-out storage for one story: a new PostgreSQL database and a new key prefix in the test
 * bucket, the server variables that point at them, and a look at every object as the storage
 * provider sees it. Every server process of the story shares them.
 */
export class ScaleStorage {
  private constructor(
    readonly env: Record<string, string>,
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly database: string,
  ) {}

  static async create(): Promise<ScaleStorage> {
    const database = `keepsake_e2e_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: process.env.KEEPSAKE_TEST_DATABASE_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${database}`)
    await admin.end()
    const url = new URL(process.env.KEEPSAKE_TEST_DATABASE_URL!)
    url.pathname = `/${database}`
    const bucket = process.env.KEEPSAKE_TEST_S3_BUCKET ?? 'keepsake-test'
    const prefix = `e2e-${randomBytes(6).toString('hex')}/`
    const s3 = new S3Client({ forcePathStyle: true })
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }))
    } catch (e) {
      if ((e as Error).name !== 'BucketAlreadyOwnedByYou' && (e as Error).name !== 'BucketAlreadyExists') throw e
    }
    const env = { STORAGE: 's3', S3_BUCKET: bucket, S3_PREFIX: prefix, S3_FORCE_PATH_STYLE: '1', DATABASE_URL: url.href }
    return new ScaleStorage(env, s3, bucket, prefix, database)
  }

  /** Every object under the story's prefix, with its bytes. */
  async objects(): Promise<{ key: string; bytes: Buffer }[]> {
    const objects: { key: string; bytes: Buffer }[] = []
    let token: string | undefined
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }))
      for (const { Key } of page.Contents ?? []) {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key }))
        objects.push({ key: Key!.slice(this.prefix.length), bytes: Buffer.from(await object.Body!.transformToByteArray()) })
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return objects
  }

  async dispose(): Promise<void> {
    const keys = (await this.objects()).map(({ key }) => ({ Key: this.prefix + key }))
    for (let i = 0; i < keys.length; i += 1000) {
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000) } }))
    }
    this.s3.destroy()
    const admin = new pg.Client({ connectionString: process.env.KEEPSAKE_TEST_DATABASE_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`)
    await admin.end()
  }
}
