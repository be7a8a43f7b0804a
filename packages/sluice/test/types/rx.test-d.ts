/**
 * Type-level tests: frame types flow through the RxJS bridges and operators
 * (`decodeWith`, `encodeWith`, `observe`, `toAsyncIterable`, `socket$`,
 * `listen$`, `startListening`) without casts.
 */
import { from, map, type Observable, type OperatorFunction } from 'rxjs';
import { type Codec, type Connection, json, lengthPrefixed, lines, type SocketAddress } from 'sluice';
import {
  decodeWith,
  encodeWith,
  listen$,
  observe,
  type SocketSubject,
  socket$,
  startListening,
  toAsyncIterable,
} from 'sluice/rx';
import { describe, expectTypeOf, test } from 'vitest';

declare const bytes$: Observable<Uint8Array>;
declare const conn: Connection;

describe('codec operators', () => {
  test('decodeWith(lengthPrefixed()) gives Observable<Uint8Array>', () => {
    expectTypeOf(decodeWith(lengthPrefixed())).toEqualTypeOf<OperatorFunction<Uint8Array, Uint8Array>>();
    expectTypeOf(bytes$.pipe(decodeWith(lengthPrefixed()))).toEqualTypeOf<Observable<Uint8Array>>();
  });

  test('decodeWith(json<T>()) gives Observable<T> and the next operator sees T', () => {
    const ids$ = bytes$.pipe(
      decodeWith(json<{ id: number }>()),
      map((message) => message.id),
    );
    expectTypeOf(ids$).toEqualTypeOf<Observable<number>>();
  });

  test('encodeWith takes the encoded frame type and gives bytes', () => {
    expectTypeOf(encodeWith(lines())).toEqualTypeOf<OperatorFunction<string, Uint8Array>>();
    expectTypeOf(from(['a', 'b']).pipe(encodeWith(lines()))).toEqualTypeOf<Observable<Uint8Array>>();
    // @ts-expect-error: lines() encodes strings, not numbers
    from([1, 2]).pipe(encodeWith(lines()));
  });

  test('an asymmetric codec decodes one type and encodes another', () => {
    const codec = {} as Codec<{ reply: string }, { request: number }>;
    expectTypeOf(decodeWith(codec)).toEqualTypeOf<OperatorFunction<Uint8Array, { reply: string }>>();
    expectTypeOf(encodeWith(codec)).toEqualTypeOf<OperatorFunction<{ request: number }, Uint8Array>>();
  });
});

describe('bridges between async iterables and observables', () => {
  test('observe() keeps the element type of a framed connection', () => {
    expectTypeOf(observe(conn.framed(lines()))).toEqualTypeOf<Observable<string>>();
    expectTypeOf(observe(conn)).toEqualTypeOf<Observable<Uint8Array>>();
  });

  test('toAsyncIterable() keeps the element type of an observable', () => {
    expectTypeOf(toAsyncIterable(bytes$.pipe(decodeWith(json<{ a: number }>())))).toEqualTypeOf<
      AsyncIterable<{ a: number }>
    >();
  });
});

describe('socket subjects', () => {
  test('socket$ emits decoded frames and accepts encoded ones', () => {
    const sock = socket$({ host: '127.0.0.1', port: 1, codec: json<{ a: number }>() });
    expectTypeOf(sock).toEqualTypeOf<SocketSubject<{ a: number }, { a: number }>>();
    expectTypeOf(sock).toExtend<Observable<{ a: number }>>();
    expectTypeOf(sock.next).parameter(0).toEqualTypeOf<{ a: number }>();
    expectTypeOf(sock.pipe(map((message) => message.a))).toEqualTypeOf<Observable<number>>();
  });

  test('listen$ gives an Observable of typed socket subjects', () => {
    const server$ = listen$({ host: '127.0.0.1', port: 0, codec: lines() });
    expectTypeOf(server$).toEqualTypeOf<Observable<SocketSubject<string, string>>>();
  });

  test('startListening hands the observer typed subjects and resolves with the address, which socket$ takes', async () => {
    const server = await startListening({ host: '127.0.0.1', port: 0, codec: json<{ id: number }>() }, (sock) => {
      expectTypeOf(sock).toEqualTypeOf<SocketSubject<{ id: number }, { id: number }>>();
    });
    expectTypeOf(server.address).toEqualTypeOf<SocketAddress>();
    expectTypeOf(server.unsubscribe).toBeFunction();
    expectTypeOf(socket$({ ...server.address, codec: lines() })).toEqualTypeOf<SocketSubject<string, string>>();
  });
});
