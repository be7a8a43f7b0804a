import { json } from '@sluice/codec';
import { connect, listen, messages } from '@sluice/ws';
await using listener = await listen({ host: '127.0.0.1', port: 0 });
void listener.serve(async (conn) => {
  const io = conn.framed(json({ framing: messages() }));
  for await (const v of io) await io.write(v);
});
const conn = await connect(`ws://127.0.0.1:${listener.port}`, { timeout: 5000 });
const io = conn.framed(json({ framing: messages() }));
try { await io.write({ a: 1 }); console.log('wrote; read', await io.read()); } catch (e) { console.log('write failed:', e); }
await conn.close();
