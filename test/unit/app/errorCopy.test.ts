import { describe, expect, it } from 'vitest'
import { describeError, errorCopy } from '../../../src/app/errorCopy'
import { AppError } from '../../../src/errors'

describe('errorCopy', () => {
  it('has a distinct, complete sentence for every error code', () => {
    const texts = Object.values(errorCopy)
    expect(texts.every((t) => /^[A-Z].{20,}[.!]$/s.test(t))).toBe(true)
    expect(new Set(texts).size).toBe(texts.length)
  })

  it('tells a full disk apart from other failures, and says nothing was lost', () => {
    expect(describeError(new AppError('quota-exceeded', 'full'))).toBe(errorCopy['quota-exceeded'])
    expect(errorCopy['quota-exceeded']).toMatch(/Nothing was lost/)
    expect(describeError(new TypeError('boom'))).toBe(errorCopy.internal)
  })
})
