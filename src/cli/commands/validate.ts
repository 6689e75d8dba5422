import { hasErrors } from '../../core/diagnostics.js';
import { loadModel } from '../../config/load.js';
import { createRegistry } from '../../providers/index.js';
import { readConfigDir } from '../disk.js';
import { EXIT } from '../exit.js';
import { diagnosticJson, diagnosticLine, type CliIO } from '../report.js';

export interface ValidateOptions {
  format: 'text' | 'json';
}

/**
 * `converge validate [dir]`: load the config repo from disk exactly as the plan check loads
 * it, offline and with no credentials, and print every diagnostic. Errors exit 1; warnings
 * alone exit 0.
 */
export async function validateCommand(dir: string, options: ValidateOptions, io: CliIO): Promise<number> {
  const model = loadModel(await readConfigDir(dir), createRegistry());
  const failed = hasErrors(model.diagnostics);
  if (options.format === 'json') {
    io.out(JSON.stringify({ valid: !failed, resources: model.resources.length, diagnostics: model.diagnostics.map(diagnosticJson) }, null, 2));
  } else {
    for (const d of model.diagnostics) io.out(diagnosticLine(d));
    const errors = model.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = model.diagnostics.length - errors;
    io.err(
      failed
        ? `${dir}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`
        : `${dir}: valid, ${model.resources.length} resource${model.resources.length === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`,
    );
  }
  return failed ? EXIT.findings : EXIT.clean;
}
