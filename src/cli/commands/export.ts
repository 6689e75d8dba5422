import { hasErrors } from '../../core/diagnostics.js';
import { loadModel } from '../../config/load.js';
import { createRegistry } from '../../providers/index.js';
import { readConfigDir } from '../disk.js';
import { EXIT } from '../exit.js';
import { diagnosticLine, type CliIO } from '../report.js';

/**
 * `converge export [dir]`: the effective model, with defaults merged into every resource, as
 * JSON on stdout for other systems and reports. An invalid config repo exports nothing: its
 * diagnostics go to stderr and the exit code is 1, so a pipeline never consumes half a model.
 */
export async function exportCommand(dir: string, io: CliIO): Promise<number> {
  const model = loadModel(await readConfigDir(dir), createRegistry());
  for (const d of model.diagnostics) io.err(diagnosticLine(d));
  if (hasErrors(model.diagnostics)) return EXIT.findings;
  const resources = model.resources.map((r) => ({
    kind: r.kind,
    target: r.target,
    name: r.name,
    ...(r.previousNames.length > 0 ? { previousNames: r.previousNames } : {}),
    owners: r.owners,
    lifecycle: r.lifecycle,
    spec: r.spec,
    source: { file: r.source.file, line: r.source.line },
    ...(r.dependsOn.length > 0 ? { defaultsFrom: r.dependsOn } : {}),
  }));
  io.out(JSON.stringify({ config: model.config, resources }, null, 2));
  return EXIT.clean;
}
