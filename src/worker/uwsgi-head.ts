// A uwsgi packet's CGI-style vars as the head of a node:http request: method,
// URL, HTTP version, headers (HTTP_X_FOO is x-foo; CONTENT_TYPE and
// CONTENT_LENGTH are headers too, as in HTTP), the body's length, and the
// client's address that the web server saw (REMOTE_ADDR, REMOTE_PORT, HTTPS).
// nginx sends the request's Content-Length and Content-Type twice (the CGI var
// and HTTP_CONTENT_*): the CGI var wins. The body arrives unframed, so a
// Transfer-Encoding the web server already decoded is not passed on.
// Pure: it only reads the vars.

/** What a node:http request needs from the vars. */
export interface UwsgiHead {
  readonly method: string;
  readonly url: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  /** as IncomingMessage.rawHeaders: name, value, name, value... (names as Title-Case) */
  readonly rawHeaders: readonly string[];
  /** bytes of body after the packet (CONTENT_LENGTH; none without it) */
  readonly contentLength: number;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  /** HTTPS=on (nginx's uwsgi_params): the client spoke TLS to the web server */
  readonly encrypted: boolean;
}

const HTTP_PREFIX = 'HTTP_';
/** Headers the CGI vars or the unframed body say instead: HTTP_CONTENT_TYPE only stands in for a missing CONTENT_TYPE. */
const SKIPPED = new Set(['HTTP_CONTENT_LENGTH', 'HTTP_CONTENT_TYPE', 'HTTP_TRANSFER_ENCODING']);
const VERSION = /^HTTP\/(\d)\.(\d)$/;
/** What node:http's parser would refuse up front: a method that is no token, a URL with spaces or controls, a header with CR, LF or NUL. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const badUrl = (url: string): boolean => [...url].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f);
const badValue = (value: string): boolean => value.includes('\r') || value.includes('\n') || value.includes('\0');

/** The head, or why the vars cannot make one (a CONTENT_LENGTH that is no length, characters HTTP refuses). */
export function headOf(vars: readonly (readonly [string, string])[]): UwsgiHead | string {
  const cgi = new Map<string, string>();
  const rawHeaders: string[] = [];
  for (const [key, value] of vars) {
    if (key.startsWith(HTTP_PREFIX) && (!TOKEN.test(key) || badValue(value))) return `header var ${JSON.stringify(key.slice(0, 40))} holds a character HTTP does not allow`;
    if (SKIPPED.has(key)) cgi.set(key, value);
    else if (key.startsWith(HTTP_PREFIX) && key.length > HTTP_PREFIX.length) rawHeaders.push(headerName(key.slice(HTTP_PREFIX.length)), value);
    else cgi.set(key, value);
  }
  // nginx's uwsgi_params sends both, empty when the request has none
  const type = cgi.get('CONTENT_TYPE') || cgi.get('HTTP_CONTENT_TYPE');
  if (type !== undefined && type !== '') rawHeaders.push('Content-Type', type);
  const length = cgi.get('CONTENT_LENGTH') ?? '';
  if (length !== '' && !/^\d{1,15}$/.test(length)) return `CONTENT_LENGTH is not a length (${JSON.stringify(length.slice(0, 20))})`;
  if (length !== '') rawHeaders.push('Content-Length', String(Number(length)));
  const version = VERSION.exec(cgi.get('SERVER_PROTOCOL') ?? '');
  const host = cgi.get('SERVER_NAME');
  // a request with no Host header still names its server
  if (host !== undefined && host !== '' && !rawHeaders.some((name, i) => i % 2 === 0 && name === 'Host')) {
    const port = cgi.get('SERVER_PORT');
    rawHeaders.push('Host', port === undefined || port === '' || port === '80' ? host : `${host}:${port}`);
  }
  const method = cgi.get('REQUEST_METHOD') || 'GET';
  if (!TOKEN.test(method)) return `REQUEST_METHOD is not a method (${JSON.stringify(method.slice(0, 20))})`;
  const url = urlOf(cgi);
  if (badUrl(url)) return 'the request URI holds a space or a control character';
  const remotePort = Number(cgi.get('REMOTE_PORT') ?? '');
  const remoteAddress = cgi.get('REMOTE_ADDR');
  return {
    method,
    url,
    httpVersionMajor: version === null ? 1 : Number(version[1]),
    httpVersionMinor: version === null ? 1 : Number(version[2]),
    rawHeaders,
    contentLength: length === '' ? 0 : Number(length),
    ...(remoteAddress !== undefined && remoteAddress !== '' && { remoteAddress }),
    ...(Number.isInteger(remotePort) && remotePort > 0 && remotePort < 65536 && { remotePort }),
    encrypted: /^(on|1)$/i.test(cgi.get('HTTPS') ?? ''),
  };
}

/** REQUEST_URI as the client sent it; without it, PATH_INFO (under SCRIPT_NAME) and QUERY_STRING. */
function urlOf(cgi: ReadonlyMap<string, string>): string {
  const uri = cgi.get('REQUEST_URI');
  if (uri !== undefined && uri !== '') return uri;
  const path = `${cgi.get('SCRIPT_NAME') ?? ''}${cgi.get('PATH_INFO') ?? ''}` || '/';
  const query = cgi.get('QUERY_STRING') ?? '';
  return query === '' ? path : `${path}?${query}`;
}

/** USER_AGENT → User-Agent. */
function headerName(cgiName: string): string {
  return cgiName
    .toLowerCase()
    .split('_')
    .map((word) => (word === '' ? word : word[0]?.toUpperCase() + word.slice(1)))
    .join('-');
}

/** rawHeaders as IncomingMessage.headers: lower-case names; a repeated one joined (cookie with "; "), set-cookie a list. */
export function headersOf(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    const before = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (name === 'set-cookie') headers[name] = [...((before as string[] | undefined) ?? []), value];
    else if (before === undefined) headers[name] = value;
    else headers[name] = `${before as string}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return headers;
}
