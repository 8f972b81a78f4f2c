import type { RegistrationResponseJSON } from '@simplewebauthn/browser'
import { describe, expect, it } from 'vitest'
import { separatePrf } from '../../../src/passkey/separatePrf'

/** Shaped like what @simplewebauthn/browser 14's startRegistration resolves with in Chromium. */
function registration(clientExtensionResults: Record<string, unknown>): RegistrationResponseJSON {
  return {
    id: 'q2VlcHNha2UtY3JlZGVudGlhbA',
    rawId: 'q2VlcHNha2UtY3JlZGVudGlhbA',
    type: 'public-key',
    authenticatorAttachment: 'platform',
    response: {
      clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0',
      attestationObject: 'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVi',
      transports: ['internal'],
    },
    clientExtensionResults: clientExtensionResults as RegistrationResponseJSON['clientExtensionResults'],
  }
}

const prfOutput = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + (i % 16))
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('separatePrf', () => {
  it('removes the PRF output from what is posted and hands it to the device', () => {
    const response = registration({ prf: { enabled: true, results: { first: prfOutput.slice().buffer } }, credProps: { rk: true } })
    const { postable, prf } = separatePrf(response)
    expect(prf).toEqual({ enabled: true, first: prfOutput })
    expect(postable.clientExtensionResults).toEqual({ credProps: { rk: true } })
    const posted = JSON.stringify(postable)
    expect(posted).not.toContain('prf')
    expect(posted).not.toContain(hex(prfOutput))
    expect(posted).not.toContain(Buffer.from(prfOutput).toString('base64url'))
    expect(posted).not.toContain(`${0xa0},${0xa1}`)
  })

  it('leaves the caller’s response untouched', () => {
    const response = registration({ prf: { enabled: true, results: { first: prfOutput.slice().buffer } } })
    separatePrf(response)
    expect(response.clientExtensionResults.prf?.results?.first).toBeInstanceOf(ArrayBuffer)
  })

  it('tells "enabled without output" from "no PRF at all"', () => {
    expect(separatePrf(registration({ prf: { enabled: true } })).prf).toEqual({ enabled: true, first: null })
    expect(separatePrf(registration({ prf: { enabled: false } })).prf).toEqual({ enabled: false, first: null })
    expect(separatePrf(registration({})).prf).toEqual({ enabled: undefined, first: null })
  })

  it('takes typed-array outputs, copies them, and refuses outputs that are not 32 bytes', () => {
    const view = new Uint8Array(64)
    view.set(prfOutput, 16)
    const { prf } = separatePrf(registration({ prf: { results: { first: view.subarray(16, 48) } } }))
    expect(hex(prf.first!)).toBe(hex(prfOutput))
    view.fill(0)
    expect(hex(prf.first!)).toBe(hex(prfOutput))
    expect(separatePrf(registration({ prf: { results: { first: new ArrayBuffer(16) } } })).prf.first).toBeNull()
  })

  it('strips a PRF output even when the second result is present too', () => {
    const response = registration({ prf: { results: { first: prfOutput.slice().buffer, second: new Uint8Array(32).fill(7).buffer } } })
    const { postable } = separatePrf(response)
    expect(JSON.stringify(postable)).not.toContain('prf')
    expect(JSON.stringify(postable)).not.toContain('second')
  })
})
