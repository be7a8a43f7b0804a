import { type ConnectionOptions, checkConnectionOptions } from '@sluice/connection';
import { checkOption, InvalidArgumentError } from '@sluice/core';

/** What every `connect()` checks: the URL (http(s) meaning ws(s), as the platform's WebSocket reads it) and the common options. */
export function checkTarget(
  url: unknown,
  options: ConnectionOptions & { signal?: unknown; timeout?: unknown; protocols?: unknown },
  base?: string,
): { target: URL; port: number; protocol: 'ws' | 'wss' } {
  checkOption('connect(): url', typeof url === 'string' ? url : (url as URL | undefined)?.href, 'string', {
    required: true,
  });
  checkOption('connect(): options', options, 'object');
  checkConnectionOptions('connect()', options);
  checkOption('connect(): timeout', options.timeout, 'timeout');
  checkOption('connect(): signal', options.signal, 'signal');
  const protocols = options.protocols;
  if (protocols !== undefined && !(typeof protocols === 'string' || Array.isArray(protocols))) {
    checkOption('connect(): protocols', protocols, 'string');
  }
  let target: URL;
  try {
    target = new URL(url as string | URL, base);
  } catch {
    throw new InvalidArgumentError(
      `connect(): url must be a ws:, wss:, http: or https: URL, got ${JSON.stringify(String(url))}`,
    );
  }
  if (target.protocol === 'http:' || target.protocol === 'https:') {
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  }
  checkOption('connect(): url', target.protocol, { oneOf: ['ws:', 'wss:'] });
  const secure = target.protocol === 'wss:';
  return { target, port: Number(target.port) || (secure ? 443 : 80), protocol: secure ? 'wss' : 'ws' };
}
