/**
 * `closeWrite()` after the peer half-closed, checked the same way over every
 * transport (connection's in-memory one, TCP loopback in net): the peer ends
 * its side, this side finishes its writes, and `await conn.closeWrite()` must
 * resolve, whether the peer's end came before or after this side's last
 * write, whether what the peer sent is still unread here, and whether the
 * peer reads meanwhile. Each package's test hands in its own pair.
 */
import type { Connection } from '@sluice/connection';
import { expect } from 'vitest';
import { within } from './waits.js';

/** `conn`, the connection under test, and `peer`, the other end, which half-closes. */
export interface HalfClosePair {
  readonly conn: Connection;
  readonly peer: Connection;
}

/** What happens before `conn.closeWrite()`, as steps of one case. */
interface Steps {
  /** This side writes the reply, each write awaited. */
  writes(): Promise<void>;
  /** The peer half-closes (after sending `REQUEST` if `sends`). */
  peerEnds(): Promise<void>;
  /** This side reads to the peer's end (only in cases where the peer sent nothing). */
  readPeerEnd(): Promise<void>;
}

/** One order of events before `conn.closeWrite()`, with the peer reading meanwhile or not. */
export interface HalfCloseCase {
  readonly title: string;
  /** The peer sends `REQUEST` before its end, and this side leaves it unread until after `closeWrite()`. */
  readonly sends: boolean;
  /** The peer reads while this side writes and half-closes (else only afterwards). */
  readonly peerReads: boolean;
  readonly run: (steps: Steps) => Promise<void>;
}

const ORDERS: readonly Omit<HalfCloseCase, 'peerReads'>[] = [
  {
    title: 'the peer ends and its end is read here, then this side writes',
    sends: false,
    run: async (s) => {
      await s.peerEnds();
      await s.readPeerEnd();
      await s.writes();
    },
  },
  {
    title: 'this side writes, then the peer ends and its end is read here',
    sends: false,
    run: async (s) => {
      await s.writes();
      await s.peerEnds();
      await s.readPeerEnd();
    },
  },
  {
    title: 'the peer sends and ends, unread here, then this side writes',
    sends: true,
    run: async (s) => {
      await s.peerEnds();
      await s.writes();
    },
  },
  {
    title: 'this side writes, then the peer sends and ends, unread here',
    sends: true,
    run: async (s) => {
      await s.writes();
      await s.peerEnds();
    },
  },
];

/** Every order, with the peer reading meanwhile and with the peer not reading. */
export const halfCloseCases: readonly HalfCloseCase[] = ORDERS.flatMap((order) =>
  [false, true].map((peerReads) => ({
    ...order,
    title: `${order.title} (the peer ${peerReads ? 'reading' : 'not reading'} meanwhile)`,
    peerReads,
  })),
);

const REQUEST = 'the request';
const REPLY = ['first part of the reply, ', 'last part of the reply'];
const LIMIT_MS = 2000;

/** Every byte `conn` gives until its end, as text. */
async function textOf(conn: Connection): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of conn.reader({ keepOpen: true })) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * Runs `check` over `pair`: `conn.closeWrite()` resolves once the peer has
 * ended and every write has resolved; then each side reads exactly what the
 * other sent, and both close cleanly.
 */
export async function checkHalfClose({ conn, peer }: HalfClosePair, check: HalfCloseCase): Promise<void> {
  let peerGot = check.peerReads ? textOf(peer) : undefined;
  await check.run({
    writes: async () => {
      for (const part of REPLY) await within(conn.write(part), LIMIT_MS, 'a write of the reply');
    },
    peerEnds: async () => {
      if (check.sends) await within(peer.write(REQUEST), LIMIT_MS, "the peer's write");
      await within(peer.closeWrite(), LIMIT_MS, "the peer's closeWrite()");
    },
    readPeerEnd: async () => {
      expect(await within(textOf(conn), LIMIT_MS, "reading to the peer's end")).toBe('');
    },
  });
  await within(conn.closeWrite(), LIMIT_MS, "closeWrite() after the peer's half-close and every write");
  peerGot ??= textOf(peer);
  expect(await within(peerGot, LIMIT_MS, 'the peer reading to the end')).toBe(REPLY.join(''));
  if (check.sends) expect(await within(textOf(conn), LIMIT_MS, 'reading what the peer sent')).toBe(REQUEST);
  await within(Promise.all([conn.close(), peer.close()]), LIMIT_MS, 'both sides closing');
  expect([conn.error, peer.error]).toEqual([undefined, undefined]);
}
