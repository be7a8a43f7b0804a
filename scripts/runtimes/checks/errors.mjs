/** Errors over loopback: what a misbehaving peer, a closed port or a bad argument raises, each with its `code`. */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { check, deferred, rejection } from '../harness.mjs';
import { assertSluiceError, dial, echoServer, LOOPBACK, sluice } from './support.mjs';

const { collect, connect, lengthPrefixed, lines, listen, pipe } = sluice;

export function checkErrors() {
  check('errors: a peer sending an over-long line meets ERR_FRAME_TOO_LONG', async (t) => {
    const seen = deferred();
    const listener = await listen(LOOPBACK);
    t.defer(() => listener.close());
    void listener.serve(async (conn) => {
      const error = await rejection(pipe(conn.framed(lines({ maxFrameLength: 1024 })), collect()), 'reading');
      seen.resolve(error);
    });
    const conn = await dial(t, listener);
    await conn.write(Buffer.from('x'.repeat(4096)));
    assertSluiceError(await seen.promise, 'ERR_FRAME_TOO_LONG');
  });

  check('errors: input ending inside a frame is ERR_TRUNCATED_FRAME', async (t) => {
    const seen = deferred();
    const listener = await listen(LOOPBACK);
    t.defer(() => listener.close());
    void listener.serve(async (conn) => {
      seen.resolve(await rejection(pipe(conn.framed(lengthPrefixed()), collect()), 'reading'));
    });
    const conn = await dial(t, listener);
    await conn.write(Buffer.from([0, 0, 0, 10, 1, 2, 3]));
    await conn.closeWrite();
    assertSluiceError(await seen.promise, 'ERR_TRUNCATED_FRAME');
  });

  check('errors: connecting to a closed port is ECONNREFUSED', async () => {
    const listener = await listen(LOOPBACK);
    const { port } = listener.address;
    await listener.close();
    const error = await rejection(connect({ host: '127.0.0.1', port, timeout: 5000 }), 'connect');
    assert.equal(error.code, 'ECONNREFUSED');
  });

  check('errors: bad arguments, aborts and closed writes have their codes', async (t) => {
    const range = await rejection(listen({ host: '127.0.0.1', port: 70_000 }), 'listen on port 70000');
    assertSluiceError(range, 'ERR_OUT_OF_RANGE');
    assert.ok(range instanceof RangeError);
    const kind = await rejection(connect({ host: '127.0.0.1', port: 'eighty' }), 'connect to port "eighty"');
    assertSluiceError(kind, 'ERR_INVALID_ARG');
    assert.ok(kind instanceof TypeError);
    const aborted = await rejection(connect({ host: '127.0.0.1', port: 1, signal: AbortSignal.abort() }), 'abort');
    assertSluiceError(aborted, 'ABORT_ERR');
    const { listener } = await echoServer(t, lines);
    const conn = await dial(t, listener);
    await conn.closeWrite();
    assertSluiceError(await rejection(conn.write(Buffer.from('late')), 'write after closeWrite'), 'ERR_CLOSED');
  });

  check('errors: aborting a pending read rejects it with ABORT_ERR', async (t) => {
    const { listener } = await echoServer(t, lines);
    const conn = await dial(t, listener);
    const io = conn.framed(lines());
    const controller = new AbortController();
    const reading = io.read({ signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    assertSluiceError(await rejection(reading, 'an aborted read'), 'ABORT_ERR');
  });
}
