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
  const code = codeOf(error);
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    address?: string;
    port?: number;
    hostname?: string;
  };
  const { address, port } = details;
  const where = address === undefined ? '' : ` ${hostPort(address, port)}`;
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
    case 'ERR_WS_UPGRADE_REFUSED': {
      const status = (error as { status?: unknown }).status;
      const hint = status === 404 ? ' (is the path right?)' : status === 503 ? ' (is it full?)' : '';
      return `the server answered HTTP ${String(status)} instead of accepting the WebSocket${hint}`;
    }
    default:
      return withCode(messageOf(error), code);
  }
}

/** Appends ` (CODE)` unless the message already names the code. */
function withCode(message: string, code: string | undefined): string {
  const line = message.split('\n')[0] ?? '';
  return code === undefined || line.includes(code) ? line : `${line} (${code})`;
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
