/** Turning any error into the one line a CLI user reads. */

/** Codes of errors that mean the peer sent bytes the codec cannot read. */
const BAD_FRAME_CODES = new Set(['ERR_DECODE', 'ERR_FRAME_TOO_LONG', 'ERR_TRUNCATED_FRAME']);

/** Codes of errors that mean one typed line could not become a frame (nothing was sent). */
const UNSENDABLE_CODES = new Set(['ERR_DECODE', 'ERR_ENCODE', 'ERR_FRAME_TOO_LONG', 'ERR_INVALID_ARG']);

/** The error's string `code`, if it has one (Sluice's and Node's errors do). */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for an error the peer caused by sending a frame the codec rejects. */
export function isBadFrame(error: unknown): boolean {
  return BAD_FRAME_CODES.has(codeOf(error) ?? '');
}

/** True for an error thrown while turning one typed line into a frame, before anything was sent. */
export function isUnsendable(error: unknown): boolean {
  return UNSENDABLE_CODES.has(codeOf(error) ?? '');
}

/** A friendly one-line description of what went wrong, with its code once. */
export function describe(error: unknown): string {
  return oneLine(describeOnLines(error));
}

function describeOnLines(error: unknown): string {
  const code = codeOf(error);
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    address?: string;
    port?: number;
    hostname?: string;
  };
  const { address, port } = details;
  // A Unix socket's error has its path as the address, and port -1.
  const where = address === undefined ? '' : ` ${port === undefined || port < 0 ? address : hostPort(address, port)}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by${where}: is a server listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host "${details.hostname ?? address}"`;
    case 'EADDRINUSE':
      return `address already in use:${where}`;
    case 'EADDRNOTAVAIL':
      return `cannot bind${where}: no such local address`;
    case 'EACCES':
      return `permission denied for${where} (ports below 1024 need privileges)`;
    case 'ECONNRESET':
      return 'connection reset by the peer (ECONNRESET)';
    case 'EPIPE':
      return 'the peer closed the connection (EPIPE)';
    case 'ERR_WS_MESSAGE_TOO_BIG':
    case 'ERR_WS_ABNORMAL_CLOSE': {
      // A close frame's reason says why, when the peer gave one; else what the code means.
      const reason = (error as { reason?: unknown }).reason;
      const meaning =
        code === 'ERR_WS_MESSAGE_TOO_BIG'
          ? 'a message was over the size limit'
          : 'the connection dropped without a close frame';
      return withCode(`${messageOf(error)}${typeof reason === 'string' && reason !== '' ? '' : `: ${meaning}`}`, code);
    }
    case 'ERR_TLS_HANDSHAKE':
      return withCode(plainOpenSsl(messageOf(error)), code);
    case 'ERR_WS_UPGRADE_REFUSED': {
      const status = (error as { status?: unknown }).status;
      const hint = status === 404 ? ' (is the path right?)' : status === 503 ? ' (is it full?)' : '';
      return `the server answered HTTP ${String(status)} instead of accepting the WebSocket${hint}`;
    }
    case 'EPROTO': // a TLS client (wss:) met a peer that does not speak TLS
      return withCode(
        `TLS failed: ${plainOpenSsl(messageOf(error).replace(/^(read|write) EPROTO\s*/, '')) || 'protocol error'}: is the server speaking TLS on that port?`,
        code,
      );
    default:
      if (code?.startsWith('HPE_')) {
        // Node's HTTP parser: a ws:// client met a peer that does not answer in HTTP.
        return withCode('the server did not answer in HTTP: is it a WebSocket server?', code);
      }
      if (code?.startsWith('ERR_SSL_')) {
        const hint = NOT_TLS_CODES.has(code) ? ': is the server speaking TLS on that port?' : '';
        return withCode(`TLS failed: ${plainOpenSsl(messageOf(error))}${hint}`, code);
      }
      return withCode(plainOpenSsl(messageOf(error)), code);
  }
}

/** Appends ` (CODE)` unless the message already names the code; on one line (see {@link oneLine}). */
function withCode(message: string, code: string | undefined): string {
  const line = oneLine(message);
  return code === undefined || line.includes(code) ? line : `${line} (${code})`;
}

/**
 * `message` on one line, faithfully: surrounding white space trimmed, and
 * line breaks, tabs and other control characters written as escapes (`\n`,
 * `\x1b`), so a value quoted in it (`"a\nb:1" is not a HOST:PORT address`)
 * is shown whole, never cut at a dangling quote.
 */
export function oneLine(message: string): string {
  const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return (
    message
      .trim()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
      .replace(/[\x00-\x1f\x7f]/g, (c) => escapes[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  );
}

/** Codes of a TLS client's handshake with a peer that answered, but not in TLS. */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_UNEXPECTED_MESSAGE',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNEXPECTED_EOF_WHILE_READING',
]);

/**
 * OpenSSL's error text, reduced to its reason: `80AC…:error:0A00010B:SSL
 * routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:`
 * says `wrong version number`; `error:0480006C:PEM routines::no start line`
 * says `no start line`. Other text is left as it is, trimmed.
 */
export function plainOpenSsl(message: string): string {
  return message.trim().replace(/(?:[0-9A-F]+:)?error:[0-9A-F]{8}:[^:\n]*:[^:\n]*:([^:\n]+)(?::[^:\s]*:\d+:?)?/g, '$1');
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** `host:port`, with an IPv6 host in brackets: `[::1]:9000`. */
export function hostPort(host: string, port?: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? shown : `${shown}:${port}`;
}
