export interface ApiAnswer<T = any> {
  status: number
  headers: Headers
  body: T
}

export interface CallOptions {
  /** The Origin header to send; `null` sends none. Defaults to the client's origin. */
  origin?: string | null
  headers?: Record<string, string>
  /** Send these bytes/text as they are instead of JSON-encoding `body`. */
  raw?: string | Uint8Array
}

/**
 * A browser-like API client over real HTTP: keeps the `ks_session` cookie the server sets (and
 * drops it when cleared), sends the page's Origin on every request, JSON in and out.
 */
export class ApiClient {
  cookie: string | null = null

  constructor(
    readonly baseUrl: string,
    readonly origin: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers }
    const origin = options.origin === undefined ? this.origin : options.origin
    if (origin !== null) headers.origin = origin
    if (this.cookie) headers.cookie = `ks_session=${this.cookie}`
    let payload: string | Uint8Array | undefined = options.raw
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body)
    if (payload !== undefined) headers['content-type'] ??= 'application/json'
    const response = await fetch(this.baseUrl + path, { method, headers, body: payload })
    for (const line of response.headers.getSetCookie()) {
      const match = /^ks_session=([^;]*)/.exec(line)
      if (match) this.cookie = /max-age=0/i.test(line) || match[1] === '' ? null : match[1]!
    }
    const text = await response.text()
    const isJson = response.headers.get('content-type')?.startsWith('application/json')
    return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text }
  }

  get = <T = any>(path: string, options?: CallOptions) => this.call<T>('GET', path, undefined, options)
  post = <T = any>(path: string, body?: unknown, options?: CallOptions) => this.call<T>('POST', path, body, options)
  put = <T = any>(path: string, body?: unknown, options?: CallOptions) => this.call<T>('PUT', path, body, options)
  patch = <T = any>(path: string, body?: unknown, options?: CallOptions) => this.call<T>('PATCH', path, body, options)
  delete = <T = any>(path: string, options?: CallOptions) => this.call<T>('DELETE', path, undefined, options)
}
