import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../src/errors'
import { translateDbError, withDbErrors } from '../../../src/db/translateDbError'

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError')

describe('translateDbError', () => {
  it('names a full disk quota-exceeded, however Dexie wraps it', () => {
    expect(isAppError(translateDbError(quota()), 'quota-exceeded')).toBe(true)
    expect(isAppError(translateDbError(new Dexie.AbortError('Transaction aborted', quota())), 'quota-exceeded')).toBe(true)
    expect(isAppError(translateDbError(new Dexie.BulkError('1 of 2 failed', [quota()])), 'quota-exceeded')).toBe(true)
  })

  it('passes every other failure through unchanged', () => {
    const constraint = new Dexie.ConstraintError('Key already exists')
    expect(translateDbError(constraint)).toBe(constraint)
    expect(translateDbError('odd')).toBe('odd')
  })

  it('withDbErrors rethrows the translated error and keeps the original as cause', async () => {
    const original = quota()
    const error = await withDbErrors(() => Promise.reject(original)).catch((e: unknown) => e)
    expect(isAppError(error, 'quota-exceeded')).toBe(true)
    expect((error as Error).cause).toBe(original)
  })
})
