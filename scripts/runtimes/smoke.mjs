/**
 * Sluice's smoke check for a JavaScript runtime: the built packages (run
 * `pnpm build` first) through their public API, over real loopback sockets.
 * Plain ESM JavaScript, so each runtime runs it as it is:
 *
 *   node scripts/runtimes/smoke.mjs
 *   node_modules/.bin/bun scripts/runtimes/smoke.mjs
 *   node_modules/.bin/deno run -A scripts/runtimes/smoke.mjs
 *
 * `scripts/test-runtimes.sh` runs all three. Each check prints `ok`, `FAIL`
 * or, for a documented limitation of the runtime, `skip` (see harness.mjs).
 */
import { checkCodecs } from './checks/codecs.mjs';
import { checkCore } from './checks/core.mjs';
import { checkErrors } from './checks/errors.mjs';
import { checkLimits } from './checks/limits.mjs';
import { checkNet } from './checks/net.mjs';
import { checkRx } from './checks/rx.mjs';
import { checkTls } from './checks/tls.mjs';
import { checkWs } from './checks/ws.mjs';
import { run } from './harness.mjs';

checkCore();
checkCodecs();
checkNet();
checkTls();
checkWs();
await checkRx();
checkErrors();
checkLimits();
await run();
