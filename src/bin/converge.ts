import { runCli } from '../cli/program.js';
import { processIO } from '../cli/report.js';

process.exitCode = await runCli(process.argv.slice(2), processIO, process.env);
