import { processIo } from '../tools/cli/process-io.ts';
import { runPreviewCli } from '../tools/preview/cli.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await runPreviewCli(process.argv.slice(2), processIo());
