import { z } from 'zod';

const RULE_TYPES = [
  'creation',
  'update',
  'deletion',
  'required_linear_history',
  'merge_queue',
  'required_deployments',
  'required_signatures',
  'pull_request',
  'required_status_checks',
  'non_fast_forward',
  'commit_message_pattern',
  'commit_author_email_pattern',
  'committer_email_pattern',
  'branch_name_pattern',
  'tag_name_pattern',
  'workflows',
  'code_scanning',
  'copilot_code_review',
  'file_path_restriction',
  'max_file_path_length',
  'file_extension_restriction',
  'max_file_size',
] as const;

/**
 * One rule as GitHub's REST API spells it (`type`, and `parameters` in snake_case). Only the
 * parameters listed are compared; the others keep their live value (or GitHub's default).
 */
export const Rule = z
  .strictObject({
    type: z.enum(RULE_TYPES),
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .transform((rule) => (rule.parameters && Object.keys(rule.parameters).length > 0 ? { type: rule.type, parameters: rule.parameters } : { type: rule.type }));
export type Rule = { type: string; parameters?: Record<string, unknown> };

export const Rules = z
  .array(Rule)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.type)) ctx.addIssue({ code: 'custom', message: `rule ${rule.type} is listed twice: a ruleset has one rule of each type` });
      seen.add(rule.type);
    }
  })
  .transform((rules): Rule[] => sortRules(rules));

export function sortRules(rules: Rule[]): Rule[] {
  return [...rules].sort((a, b) => a.type.localeCompare(b.type));
}

const Mode = z.enum(['always', 'pull_request']).default('always');

/** Who may bypass: a team or user (by name), a repository role, org admins, an app (by id), deploy keys. */
export const BypassActor = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('team'), name: z.string().trim().min(1).toLowerCase(), mode: Mode }),
  z.strictObject({ type: z.literal('user'), name: z.string().trim().min(1).toLowerCase(), mode: Mode }),
  z.strictObject({ type: z.literal('role'), name: z.enum(['maintain', 'write', 'admin']), mode: Mode }),
  z.strictObject({ type: z.literal('org-admin'), mode: Mode }),
  z.strictObject({ type: z.literal('app'), id: z.number().int().positive(), mode: Mode }),
  z.strictObject({ type: z.literal('deploy-key'), mode: Mode }),
]);
export type BypassActor = z.infer<typeof BypassActor>;

export function sortActors(actors: BypassActor[]): BypassActor[] {
  const key = (a: BypassActor) => `${a.type}\u0000${'name' in a ? a.name : 'id' in a ? String(a.id).padStart(12, '0') : ''}`;
  return [...actors].sort((a, b) => key(a).localeCompare(key(b)));
}

const Names = z.array(z.string().min(1));
export const RefName = z.strictObject({ include: Names.optional(), exclude: Names.optional() });
export const RepositoryName = z.strictObject({ include: Names.optional(), exclude: Names.optional(), protected: z.boolean().optional() });

const common = {
  target: z.enum(['branch', 'tag', 'push']).optional(),
  enforcement: z.enum(['active', 'evaluate', 'disabled']).optional(),
  bypassActors: z
    .array(BypassActor)
    .transform((actors) => sortActors(actors))
    .optional(),
  rules: Rules.optional(),
};

/** `github.ruleset`, named `<repository>/<ruleset name>`. */
export const Ruleset = z.strictObject({
  ...common,
  /** Which refs it applies to, e.g. `include: ["~DEFAULT_BRANCH"]` or `["refs/heads/release/*"]`. */
  conditions: z.strictObject({ refName: RefName.optional() }).optional(),
});
export type Ruleset = z.infer<typeof Ruleset>;

/** `github.org-ruleset`, named `<ruleset name>`: applies to the repositories its conditions select. */
export const OrgRuleset = z
  .strictObject({
    ...common,
    conditions: z.strictObject({ refName: RefName.optional(), repositoryName: RepositoryName.optional() }).optional(),
  })
  .refine((spec) => spec.conditions?.repositoryName !== undefined, {
    message: 'an org ruleset needs conditions.repositoryName (for example include: ["~ALL"])',
    path: ['conditions'],
  });
export type OrgRuleset = z.infer<typeof OrgRuleset>;
