import picomatch from 'picomatch';
import type { Logger } from 'pino';
import { hasErrors } from '../../core/diagnostics.js';
import { resourceKey } from '../../core/resource.js';
import { loadModel, type Model } from '../../config/load.js';
import { runPlan } from '../../engine/run.js';
import { githubWebUrl } from '../../env/github-host.js';
import { renderPlan } from '../../github-app/render/index.js';
import type { ProviderDeps } from '../../providers/deps.js';
import { githubFootprint } from '../../providers/github/index.js';
import { createRegistry } from '../../providers/index.js';
import { readConfigDir } from '../disk.js';
import { EXIT, UsageError } from '../exit.js';
import { gitBase, originRepo } from '../git.js';
import { cliGitHub } from '../github.js';
import { renderPlanText } from '../plan-text.js';
import { checkPolicyRules, rulesInForce } from '../../worker/policy-rules.js';
import { formatLocation } from '../../core/diagnostics.js';
import { diagnosticJson, type CliIO, type OutputFormat } from '../report.js';

export interface PlanOptions {
  format: OutputFormat;
  /** Glob patterns on `kind/name`: plan only these resources. */
  only?: string[];
  /** A git ref: plan what the working copy changed since it, as a PR into it would. */
  base?: string;
  /** Also report live resources in scope that the config repo does not declare. */
  full?: boolean;
  /** The org the config repo lives in; default: GITHUB_REPOSITORY's owner, then the origin remote's. */
  org?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Only the resources `--only` names, in a model otherwise the same. */
function narrowed(model: Model, patterns: readonly string[] | undefined): Model {
  if (!patterns || patterns.length === 0) return model;
  const match = picomatch([...patterns], { dot: true });
  const resources = model.resources.filter((r) => match(resourceKey(r)));
  return { ...model, resources, byKey: new Map(resources.map((r) => [resourceKey(r), r])) };
}

/** The config repo's org and name, from the flag, the Actions environment or the origin remote. */
async function configRepoOf(dir: string, options: PlanOptions, env: Env): Promise<{ owner?: string; repo?: string }> {
  const [actionsOwner, actionsRepo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const origin = actionsOwner ? undefined : await originRepo(dir);
  return { owner: options.org ?? (actionsOwner || origin?.owner), repo: actionsRepo || origin?.repo };
}

/**
 * `converge plan [dir]`: the plan the PR check would show, computed on this machine against
 * the live targets, read-only (nothing in this path can apply). Without `--base` every
 * declared resource is planned (as a first convergence would); with it, only what the working
 * copy changed since that ref. Exit 0 when nothing would change, 1 when something would (or
 * the config has errors, or a target could not be read).
 */
export async function planCommand(dir: string, options: PlanOptions, io: CliIO, env: Env, log: Logger): Promise<number> {
  const registry = createRegistry();
  const files = await readConfigDir(dir);
  const head = narrowed(loadModel(files, registry), options.only);
  const base = options.base ? await gitBase(dir, options.base) : undefined;
  const baseModel = base ? narrowed(loadModel(base.files, registry), options.only) : undefined;
  const where = await configRepoOf(dir, options, env);

  const deps: ProviderDeps = { env, log };
  if (head.targets.has('github') && !hasErrors(head.diagnostics)) {
    if (!where.owner) throw new UsageError('Which org? Give --org <org> (or run inside a clone whose origin is the config repo on GitHub).');
    const github = await cliGitHub(where.owner, env, log);
    io.err(`Reading ${where.owner} on ${githubWebUrl(env)} as ${github.as}, read-only.`);
    deps.github = { client: github.client, owner: where.owner };
  }

  const started = Date.now();
  const progress = (line: string) => io.err(`  ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const run = await runPlan({
    registry,
    head,
    ...(baseModel ? { base: baseModel } : {}),
    changed: base?.changed ?? 'all',
    deps,
    ...(options.full ? { full: true } : {}),
    ...(where.owner && where.repo ? { footprint: githubFootprint(head.targets.get('github'), { owner: where.owner, configRepo: where.repo }) } : {}),
    onReadChoice: (choice) => progress(`reading ${choice.resources} ${choice.kind}${choice.target === 'default' ? '' : `@${choice.target}`} ${choice.bulk ? 'in bulk' : 'one by one'}`),
    onProgress: (read) => progress(`read ${read.resources} live ${read.kind}${read.target === 'default' ? '' : `@${read.target}`}`),
  });
  try {
    const { plan, policy } = run;
    // The same policy rules the PR check holds the plan to: its own and the base's.
    const { violations } = checkPolicyRules(plan, rulesInForce(head.config, baseModel?.config), files);
    if (options.format === 'json') {
      io.out(
        JSON.stringify(
          {
            changes: plan.changes.filter((c) => c.action !== 'noop').map(({ desired, actual, ...change }) => change),
            diagnostics: plan.diagnostics.map(diagnosticJson),
            violations: violations.map((v) => ({ rule: v.rule.name, effect: v.effect, resource: v.key, message: v.message, ...(v.field ? { field: v.field.path } : {}), ...(v.location ? { file: v.location.file, line: v.location.line } : {}) })),
            readFailures: plan.readFailures,
            deletionCap: { requested: policy.requestedDeletions, exceeded: policy.capExceeded, maxDeletionsPerRun: policy.maxDeletionsPerRun },
          },
          null,
          2,
        ),
      );
    } else if (options.format === 'markdown') {
      const output = renderPlan({ plan, policy, violations, failOn: head.config.plans.failOn, context: { subject: 'commit', description: base ? `Delta from ${options.base} to the working copy.` : 'Every declared resource.' } });
      io.out(`## ${output.title}\n\n${output.summary}\n\n${output.text}`);
    } else {
      const ruled = violations.map((v) => `${formatLocation(v.location) || v.key}: ${v.effect === 'deny' ? 'denied' : v.effect === 'warn' ? 'warning' : 'needs approval'}: ${v.message} (${v.key})`);
      io.out([...ruled, ...(ruled.length > 0 ? [''] : []), renderPlanText(plan, policy)].join('\n'));
    }
    const changed = plan.changes.some((c) => c.action !== 'noop');
    return changed || hasErrors(plan.diagnostics) || plan.readFailures.length > 0 ? EXIT.findings : EXIT.clean;
  } finally {
    await run.sessions.closeAll();
  }
}
