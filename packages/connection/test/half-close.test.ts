/**
 * `closeWrite()` after the peer half-closed, over the in-memory transport:
 * it resolves once every write has resolved, whether or not the peer reads,
 * as it does over TCP (net's connection test runs the same cases there).
 */
import { fromTransport } from '@sluice/connection/transport';
import { describe, it } from 'vitest';
import { checkHalfClose, halfCloseCases } from '../../../test-support/half-close.js';
import { memoryPair } from './support/memory-transport.js';

describe('closeWrite() after the peer half-closed, over the in-memory transport', () => {
  for (const check of halfCloseCases) {
    it(check.title, async () => {
      const [a, b] = memoryPair();
      const conn = fromTransport(a);
      const peer = fromTransport(b);
      try {
        await checkHalfClose({ conn, peer }, check);
      } finally {
        conn.destroy();
        peer.destroy();
      }
    });
  }
});
