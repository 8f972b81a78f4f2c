import { describe, expect, it } from 'vitest'
import { parseRoute, routeHref, type Route } from '../../../src/app/route'

describe('routes', () => {
  it('round-trip through the URL fragment, including ids that need escaping', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'settings' },
      { name: 'conversation', id: '0mwv6l26r-503556a2' as never },
      { name: 'conversation', id: 'a/b c' as never, messageId: 'm#1' as never },
    ]
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route)
  })

  it('treats anything unknown as home', () => {
    expect(parseRoute('')).toEqual({ name: 'home' })
    expect(parseRoute('#/nowhere')).toEqual({ name: 'home' })
    expect(parseRoute('#/c/')).toEqual({ name: 'home' })
    expect(parseRoute('#/c/x/m/')).toEqual({ name: 'conversation', id: 'x' })
  })
})
