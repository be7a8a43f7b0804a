/**
 * @sluice/codec: every built-in codec round-trips its frames however the
 * bytes are split (whole, one byte at a time, random pieces), and refuses
 * what it must with a coded error.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { check, rejection } from '../harness.mjs';
import { assertSameBytes, assertSluiceError, random, randomBytes, sluice } from './support.mjs';

const { collect, decode, encode, json, lengthPrefixed, lines, pipe, text } = sluice;

/** `bytes` as chunks: whole, one byte each, and random pieces of 1 to 100 bytes. */
function splits(bytes, next) {
  const pieces = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * 100);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  const ones = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  return [
    ['whole', [bytes]],
    ['1-byte pieces', ones],
    ['random pieces', pieces],
  ];
}

/** Encodes `frames` with `codec`, decodes them back in every split, and compares with `same`. */
async function roundTrip(codec, frames, same = assert.deepEqual) {
  const bytes = Buffer.concat(await pipe(frames, encode(codec), collect()));
  for (const [how, chunks] of splits(bytes, random(bytes.length))) {
    const decoded = await pipe(chunks, decode(codec), collect());
    same(decoded, frames, `${codec.name}, ${how}`);
  }
}

export function checkCodecs() {
  check('codec: lines round-trips in any chunking, CRLF tolerated', async () => {
    await roundTrip(lines(), ['hello', '', 'ünïcødé 🎉 日本語', 'x'.repeat(10_000), 'tab\tand space ']);
    await roundTrip(lines({ delimiter: '\r\n' }), ['a', 'b\nc', '']);
    const crlf = await pipe([Buffer.from('one\r'), Buffer.from('\ntwo\r\n')], decode(lines()), collect());
    assert.deepEqual(crlf, ['one', 'two']);
  });

  check('codec: lengthPrefixed round-trips at every width, varint included', async () => {
    const next = random(7);
    const sizes = {
      1: [0, 1, 200, 255],
      2: [0, 300, 65_535],
      4: [0, 70_000],
      8: [5, 1000],
      varint: [0, 127, 128, 16_384],
    };
    for (const [width, lengths] of Object.entries(sizes)) {
      const frames = lengths.map((length) => randomBytes(next, length));
      const w = width === 'varint' ? 'varint' : Number(width);
      await roundTrip(lengthPrefixed({ width: w }), frames, assertSameBytes);
      if (w !== 'varint') await roundTrip(lengthPrefixed({ width: w, endian: 'le' }), frames, assertSameBytes);
    }
    const inclusive = [randomBytes(next, 10), randomBytes(next, 0)];
    await roundTrip(lengthPrefixed({ width: 2, lengthIncludesHeader: true }), inclusive, assertSameBytes);
  });

  check('codec: json round-trips as NDJSON and over varint frames', async () => {
    const values = [{ a: 1, nested: { ü: '🎉', list: [1, 2, 3] } }, 'a line\nwith a newline', null, 42, [], true];
    await roundTrip(json(), values);
    await roundTrip(json({ framing: lengthPrefixed({ width: 'varint' }) }), values);
  });

  check('codec: text never splits a character across pieces', async () => {
    const original = 'héllo wörld 🎉 日本語 '.repeat(200);
    const bytes = Buffer.from(original);
    for (const [how, chunks] of splits(bytes, random(3))) {
      const pieces = await pipe(chunks, decode(text()), collect());
      assert.equal(pieces.join(''), original, how);
      assert.ok(!pieces.some((piece) => piece.includes('\uFFFD')), `${how}: no replacement character`);
    }
    const encoded = Buffer.concat(await pipe([original], encode(text()), collect()));
    assert.equal(encoded.toString(), original);
  });

  check('codec: limits and malformed input raise coded errors', async () => {
    const tooLong = pipe([Buffer.from('x'.repeat(100))], decode(lines({ maxFrameLength: 16 })), collect());
    assertSluiceError(await rejection(tooLong, 'an over-long line'), 'ERR_FRAME_TOO_LONG');
    const header = Buffer.from([0x40, 0, 0, 0]); // announces 1 GiB: refused from the header alone
    const huge = pipe([header], decode(lengthPrefixed()), collect());
    assertSluiceError(await rejection(huge, 'a 1 GiB header'), 'ERR_FRAME_TOO_LONG');
    const cut = pipe([Buffer.from([0, 0, 0, 9, 1, 2])], decode(lengthPrefixed()), collect());
    assertSluiceError(await rejection(cut, 'a truncated frame'), 'ERR_TRUNCATED_FRAME');
    const bad = pipe([Buffer.from('{"open": \n')], decode(json()), collect());
    assertSluiceError(await rejection(bad, 'malformed JSON'), 'ERR_DECODE');
    const big = pipe([new Uint8Array(100)], encode(lengthPrefixed({ maxFrameLength: 10 })), collect());
    assertSluiceError(await rejection(big, 'encoding an over-long frame'), 'ERR_FRAME_TOO_LONG');
    const wrongType = pipe(['a string'], encode(lengthPrefixed()), collect());
    assertSluiceError(await rejection(wrongType, 'encoding a string as bytes'), 'ERR_ENCODE');
  });
}
