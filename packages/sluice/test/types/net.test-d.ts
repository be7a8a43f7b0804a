/**
 * Type-level tests: a connection's `framed(codec)` reads and writes the
 * codec's frame types, and servers hand out typed connections.
 */
import type { Socket } from 'node:net';

import {
  type Codec,
  type Connection,
  collect,
  connect,
  type Framed,
  json,
  type Listener,
  lengthPrefixed,
  lines,
  listen,
  map,
  pipe,
} from 'sluice';
import { describe, expectTypeOf, test } from 'vitest';

declare const conn: Connection;

describe('framed() frame types', () => {
  test('framed(lines()) iterates strings and writes strings', async () => {
    const io = conn.framed(lines());
    expectTypeOf(io).toEqualTypeOf<Framed<string, string>>();
    for await (const line of io) expectTypeOf(line).toEqualTypeOf<string>();
    expectTypeOf(io.write).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(io.byChunk()).toEqualTypeOf<AsyncIterable<string[]>>();
  });

  test('framed(json<T>()) iterates T', async () => {
    const io = conn.framed(json<{ a: number }>());
    for await (const message of io) expectTypeOf(message).toEqualTypeOf<{ a: number }>();
    await io.write({ a: 1 });
    // @ts-expect-error: the frame type is { a: number }
    await io.write({ a: 'one' });
  });

  test('framed(lengthPrefixed()) iterates Uint8Array', () => {
    expectTypeOf(conn.framed(lengthPrefixed())).toExtend<AsyncIterable<Uint8Array>>();
  });

  test('an asymmetric codec reads one type and writes another', () => {
    const io = conn.framed({} as Codec<{ reply: string }, { request: number }>);
    expectTypeOf(io).toEqualTypeOf<Framed<{ reply: string }, { request: number }>>();
    expectTypeOf(io.writeAll)
      .parameter(0)
      .toEqualTypeOf<Iterable<{ request: number }> | AsyncIterable<{ request: number }>>();
  });

  test('a framed connection is a pipe() source', () => {
    const lengths = pipe(
      conn.framed(lines()),
      map((line) => line.length),
      collect(),
    );
    expectTypeOf(lengths).toEqualTypeOf<Promise<number[]>>();
  });

  test('a connection is raw bytes until framed', () => {
    expectTypeOf(conn).toExtend<AsyncIterable<Uint8Array>>();
    expectTypeOf(conn.write).parameter(0).toEqualTypeOf<Uint8Array | string>();
  });
});

describe('listen() and connect()', () => {
  test('return a Listener of Connections and a Connection', () => {
    expectTypeOf(listen({ host: '127.0.0.1', port: 0 })).toEqualTypeOf<Promise<Listener>>();
    expectTypeOf(connect({ host: '127.0.0.1', port: 1 })).toEqualTypeOf<Promise<Connection<Socket>>>();
    expectTypeOf<Listener>().toExtend<AsyncIterable<Connection>>();
  });

  test('serve() hands its handler a Connection', () => {
    expectTypeOf<Parameters<Listener['serve']>[0]>().parameter(0).toEqualTypeOf<Connection<Socket>>();
    expectTypeOf<ReturnType<Connection<Socket>['unwrap']>>().toEqualTypeOf<Socket>();
  });
});
