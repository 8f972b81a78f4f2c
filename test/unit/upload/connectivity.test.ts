import { describe, expect, it } from 'vitest'
import { Connectivity } from '../../../src/upload/connectivity'
import { FakeNetwork } from './UploadHarness'

describe('connectivity', () => {
  it('follows navigator.onLine and the online/offline events of a page or service worker', async () => {
    const network = new FakeNetwork()
    const connectivity = new Connectivity(network)
    const seen: boolean[] = []
    connectivity.onChange((online) => seen.push(online))
    network.goOffline()
    expect(connectivity.online).toBe(false)
    let resumed = false
    const back = connectivity.whenOnline().then(() => (resumed = true))
    await Promise.resolve()
    expect(resumed).toBe(false)
    network.goOnline()
    await back
    expect(seen).toEqual([false, true])
  })

  it('in a context without events (a dedicated worker), what the page forwards wins over a stale navigator.onLine', () => {
    const stale = { navigator: { onLine: true } }
    const connectivity = new Connectivity(stale)
    const seen: boolean[] = []
    connectivity.onChange((online) => seen.push(online))
    connectivity.set(false)
    expect(connectivity.online).toBe(false)
    connectivity.set(false)
    connectivity.set(true)
    expect(seen).toEqual([false, true])
  })

  it('whenOnline resolves at once when online, and when its signal aborts', async () => {
    const network = new FakeNetwork()
    const connectivity = new Connectivity(network)
    await connectivity.whenOnline()
    network.goOffline()
    const controller = new AbortController()
    const waiting = connectivity.whenOnline(controller.signal)
    controller.abort()
    await waiting
    expect(connectivity.online).toBe(false)
  })
})
