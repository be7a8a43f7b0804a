/**
 * Runs the load scenario in a process of its own and prints its result as
 * one JSON line: for machines whose file limit must be raised first.
 *
 *   sh -c 'ulimit -n 65536; exec node --import tsx packages/net/test/support/load-main.ts 5000 20'
 */
import { holdConnections } from './load.js';

const [connections = '5000', frames = '20', batch = '500'] = process.argv.slice(2);
const result = await holdConnections({
  connections: Number(connections),
  frames: Number(frames),
  batch: Number(batch),
});
console.log(JSON.stringify(result));
