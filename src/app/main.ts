// The CLI from the TypeScript sources, for development: `npm run dev -- <command>` (through tsx).
// Installed, bin/lanekeeper.js runs the same main() from dist/.
import { boundHeapGrowth, main } from './cli.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
boundHeapGrowth();
process.exitCode = await main(process.argv);
