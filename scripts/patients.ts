import { processIo } from '../tools/cli/process-io.ts';
import { runPatientsCli } from '../tools/patients/cli.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await runPatientsCli(process.argv.slice(2), processIo());
