import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type { ConversationId, MessageId } from '../db/ChatDB'

/** Where the app is, kept in the URL's fragment so the back button and reloads work. */
export type Route =
  | { name: 'home' }
  | { name: 'conversation'; id: ConversationId; messageId?: MessageId }
  | { name: 'settings' }

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  if (parts[0] === 'settings') return { name: 'settings' }
  if (parts[0] === 'c' && parts[1]) {
    const id = parts[1] as ConversationId
    return parts[2] === 'm' && parts[3] ? { name: 'conversation', id, messageId: parts[3] as MessageId } : { name: 'conversation', id }
  }
  return { name: 'home' }
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/'
    case 'settings':
      return '#/settings'
    case 'conversation':
      return `#/c/${encodeURIComponent(route.id)}` + (route.messageId ? `/m/${encodeURIComponent(route.messageId)}` : '')
  }
}

/** The current route, following the URL. */
export function createRoute(): Accessor<Route> {
  const [route, setRoute] = createSignal(parseRoute(location.hash))
  const update = () => setRoute(parseRoute(location.hash))
  addEventListener('hashchange', update)
  onCleanup(() => removeEventListener('hashchange', update))
  return route
}

/** Goes to a route; `replace` changes the current history entry instead of adding one. */
export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const href = routeHref(route)
  if (opts.replace) {
    history.replaceState(history.state, '', href)
    dispatchEvent(new HashChangeEvent('hashchange'))
  } else {
    location.hash = href
  }
}
