/**
 * Switching readers on one connection (a text greeting, then a binary
 * protocol): no byte a decoder took is lost when another reader takes over.
 */
import { once } from 'node:events';
import { type Codec, json, lengthPrefixed, lines } from '@sluice/codec';
import { connect } from '@sluice/net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryCuts, concatBytes, encodeAll, rechunk } from '../../../test-support/chunking.js';
import { rawServer } from './support/peers.js';

const runs = Number(process.env.FC_NUM_RUNS ?? 25);

/** A plain node:net server that writes `pieces` one by one, each once the previous is flushed, then ends. */
function sendingServer(pieces: Uint8Array[]) {
  return rawServer(async (socket) => {
    for (const piece of pieces) if (!socket.write(piece)) await once(socket, 'drain');
    socket.end();
  });
}

describe('switching readers on one connection', () => {
  it('lines() then lengthPrefixed(): every frame arrives exactly, whatever the chunking and the bytes', async () => {
    const greeting = fc.array(fc.stringMatching(/^[a-z ]{0,12}$/), { minLength: 1, maxLength: 4 });
    // Payloads full of 0x0a: the lines decoder will have cut "lines" out of them before the switch.
    const payload = fc.uint8Array({ maxLength: 40 }).map((bytes) => bytes.map((b) => (b % 3 === 0 ? 0x0a : b)));
    await fc.assert(
      fc.asyncProperty(
        greeting,
        fc.array(payload, { maxLength: 8 }),
        arbitraryCuts(6),
        fc.boolean(),
        async (hello, frames, cuts, viaRead) => {
          const binary = lengthPrefixed({ width: 2 });
          const wire = concatBytes([encodeAll(lines(), hello), encodeAll(binary, frames)]);
          const server = await sendingServer(rechunk(wire, cuts));
          try {
            await using conn = await connect({ host: '127.0.0.1', port: server.port });
            const text = conn.framed(lines(), { keepOpen: true });
            const read: string[] = [];
            if (viaRead) {
              for (let i = 0; i < hello.length; i++) read.push((await text.read()) as string);
            } else {
              for await (const line of text) {
                read.push(line);
                if (read.length === hello.length) break;
              }
            }
            expect(read).toEqual(hello);
            const got: number[][] = [];
            for await (const frame of conn.framed(binary)) got.push([...frame]);
            expect(got).toEqual(frames.map((frame) => [...frame]));
          } finally {
            await server.close();
          }
        },
      ),
      { numRuns: runs },
    );
  });

  it('a second framed(lines()) reads the lines the first decoded but did not hand out', async () => {
    const server = await sendingServer([new TextEncoder().encode('one\ntwo\nthree\nfour')]);
    await using conn = await connect({ host: '127.0.0.1', port: server.port });
    const first = conn.framed(lines(), { keepOpen: true });
    expect(await first.read()).toBe('one');
    const rest: string[] = [];
    for await (const line of conn.framed(lines())) rest.push(line);
    expect(rest).toEqual(['two', 'three', 'four']);
    await server.close();
  });

  it('raw reading after a framed reader starts with the bytes the decoder held', async () => {
    const server = await sendingServer([new TextEncoder().encode('HELLO\nraw tail without newline')]);
    await using conn = await connect({ host: '127.0.0.1', port: server.port });
    expect(await conn.framed(lines()).read()).toBe('HELLO');
    const chunks: Uint8Array[] = [];
    for await (const chunk of conn.reader()) chunks.push(chunk);
    expect(new TextDecoder().decode(concatBytes(chunks))).toBe('raw tail without newline');
    await server.close();
  });

  it('unwrap() after a framed reader pushes the held bytes back into the Node socket', async () => {
    const server = await sendingServer([new TextEncoder().encode('HELLO\npartial')]);
    const conn = await connect({ host: '127.0.0.1', port: server.port });
    const io = conn.framed(lines());
    expect(await io.read()).toBe('HELLO');
    const socket = conn.unwrap();
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('partial');
    socket.destroy();
    await server.close();
  });

  it('a custom decoder that implements remaining() hands its bytes over too', async () => {
    // Two-byte records: the decoder holds an odd byte until its pair arrives.
    const pairs: Codec<Uint8Array> = {
      decoder() {
        let odd: Uint8Array | null = null;
        return {
          decode(chunk, frames) {
            const bytes = odd === null ? chunk : concatBytes([odd, chunk]);
            let pos = 0;
            for (; pos + 2 <= bytes.length; pos += 2) frames.push(bytes.slice(pos, pos + 2));
            odd = pos < bytes.length ? bytes.slice(pos) : null;
          },
          end() {},
          remaining: () => (odd === null ? [] : [odd]),
        };
      },
      encoder: () => ({ encode: (frame) => frame }),
    };
    const server = await sendingServer([new Uint8Array([1, 2, 3]), new TextEncoder().encode('\nline\n')]);
    await using conn = await connect({ host: '127.0.0.1', port: server.port });
    expect([...((await conn.framed(pairs).read()) as Uint8Array)]).toEqual([1, 2]);
    const after: string[] = [];
    for await (const line of conn.framed(lines({ stripCR: false }))) after.push(line);
    expect(after).toEqual(['\u0003', 'line']);
    await server.close();
  });
});

describe('switching readers after bytes the first codec refuses', () => {
  const encoder = new TextEncoder();
  it.each<[string, Codec<unknown>, Uint8Array, number, string]>([
    [
      'lengthPrefixed() then lines()',
      lengthPrefixed(),
      concatBytes([encodeAll(lengthPrefixed(), [encoder.encode('bin')]), encoder.encode('x\ny\n')]),
      1,
      'x,y',
    ],
    ['json() then lines()', json(), encoder.encode('{"v":1}\nplain text\nmore\n'), 1, 'plain text,more'],
    [
      'lines({ maxFrameLength: 10 }) then lines()',
      lines({ maxFrameLength: 10 }),
      encoder.encode('short\na line longer than ten\n'),
      1,
      'a line longer than ten',
    ],
    [
      'lengthPrefixed(varint) then lines()',
      lengthPrefixed({ width: 'varint' }),
      Uint8Array.of(1, 0x41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a),
      1,
      '\uFFFD'.repeat(10),
    ],
  ])('%s: the refused bytes go to the next reader', async (_, first, wire, reads, expected) => {
    const server = await sendingServer([wire]);
    await using conn = await connect({ host: '127.0.0.1', port: server.port });
    const io = conn.framed(first, { keepOpen: true });
    for (let i = 0; i < reads; i++) expect(await io.read()).toBeDefined();
    const rest: string[] = [];
    for await (const line of conn.framed(lines())) rest.push(line);
    expect(rest.join(',')).toBe(expected);
    await server.close();
  });
});
