/**
 * Web streams: a connection as a `ReadableStream` and a `WritableStream`
 * (`conn.readable()`, `conn.writable()`), so the platform's stream tools plug
 * straight in: `pipeThrough(new CompressionStream('gzip'))`,
 * `TextDecoderStream`, `new Response(stream).text()`, `pipeTo`. The same code
 * runs in Node, Deno, Bun and browsers (over `@sluice/ws` there).
 *
 * A client uploads a log gzipped on the fly; the server unzips it as it
 * arrives, counts its lines and error lines, and answers. Backpressure goes
 * through the whole chain: `pipeTo` waits on the connection's writes, and a
 * server that reads slowly slows the client's compressor down. Closing the
 * writable half-closes the connection (the server's stream ends); cancelling a
 * readable closes the connection.
 *
 * Run:   pnpm exec tsx examples/web-streams.ts      (ends by itself)
 */
import { connect, listen } from '@sluice/net';

const LINES = 20_000;

const listener = await listen({ host: '127.0.0.1', port: 0 });

// The server: gunzip, decode and split as the bytes come; reply with one line, then half-close.
const served = listener.serve(async (conn) => {
  let lines = 0;
  let errors = 0;
  let partial = '';
  await conn
    .readable()
    .pipeThrough(gunzip())
    .pipeThrough(new TextDecoderStream())
    .pipeTo(
      new WritableStream({
        write(piece: string) {
          const parts = (partial + piece).split('\n');
          partial = parts.pop() ?? '';
          lines += parts.length;
          errors += parts.filter((line) => line.includes(' ERROR ')).length;
        },
      }),
    );
  const summary = `${lines} lines, ${errors} errors, ${conn.counters.bytesIn} bytes gzipped\n`;
  await new Blob([summary]).stream().pipeTo(conn.writable()); // closing the writable half-closes
});

// The client: a log made as it is sent (a pull source: a line is made only when the chain can take it).
let line = 0;
const log = () =>
  new ReadableStream<string>({
    pull(controller) {
      if (line === LINES) return controller.close();
      const level = line % 100 === 0 ? 'ERROR' : 'INFO';
      controller.enqueue(`2026-01-01T00:00:${String(line % 60).padStart(2, '0')}Z ${level} request ${line} done\n`);
      line++;
    },
  });

// The compression streams as TypeScript's DOM typings should have them: they take bytes (Uint8Array) and give
// bytes (its `BufferSource`, which is what TextDecoderStream takes).
const gzip = () => new CompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>;
const gunzip = () => new DecompressionStream('gzip') as ReadableWritablePair<BufferSource, Uint8Array>;

{
  await using conn = await connect({ ...listener.address, timeout: 5000 });
  const upload = log().pipeThrough(new TextEncoderStream()).pipeThrough(gzip()).pipeTo(conn.writable());
  const reply = new Response(conn.readable()).text(); // everything until the server's end
  await upload;
  console.log(`server: ${(await reply).trim()}`);
  console.log(`client: ${conn.counters.bytesOut} bytes sent for a ${LINES}-line log`);
}

await listener.close();
const { served: handled, failed } = await served;
console.log(`server stopped: ${handled} connection served, ${failed} failed`);
