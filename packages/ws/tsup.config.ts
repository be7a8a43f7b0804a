import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.js';

// Two builds: Node (on `ws`), and the browser's (the platform's WebSocket, no Node imports),
// which bundlers pick through the `browser` export condition. `pnpm build` empties dist/ first.
export default defineConfig([
  packageBuild({ platform: 'node', clean: false }),
  packageBuild({ entry: ['src/browser.ts'], format: ['esm'], platform: 'browser', clean: false }),
]);
