import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.js';

// Two entry points: `@sluice/connection` (dist/index.*) and `@sluice/connection/transport`
// (dist/transport.*). Both formats split what they share into common chunks, so that each class
// exists once at run time (a Connection made through one entry is an instanceof the other's).
export default defineConfig(
  packageBuild({ entry: { index: 'src/index.ts', transport: 'src/for-transports.ts' }, splitting: true }),
);
