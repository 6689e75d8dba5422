/**
 * Reactions on issue and PR comments. They live on the comment's record (`reactions`), so a
 * test reads them from `fake.comments(...)`; the app's installation reacts as its bot.
 */
import { bodyOf, notFound, ok, validationFailed } from './http.js';
import type { Router } from './router.js';
import { nodeId, userJson, type Actor, type World } from './world.js';

export const REACTION_CONTENTS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'] as const;
export type ReactionContent = (typeof REACTION_CONTENTS)[number];

export interface ReactionRecord {
  id: number;
  content: ReactionContent;
  user: Actor;
  created_at: string;
}

function reactionJson(world: World, reaction: ReactionRecord): Record<string, unknown> {
  return { id: reaction.id, node_id: nodeId('REA', reaction.id), user: userJson(world, reaction.user), content: reaction.content, created_at: reaction.created_at };
}

const isContent = (value: unknown): value is ReactionContent => (REACTION_CONTENTS as readonly unknown[]).includes(value);

export function reactionRoutes(router: Router, world: World): void {
  const { repos, issues } = world;

  // GitHub answers 200 with the existing reaction when the same user reacts the same way again.
  router.post('/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', (req) => {
    const comment = issues.comment(repos.requireWritable(req.params.owner!, req.params.repo!), Number(req.params.comment_id));
    if (!comment) throw notFound();
    const { content } = bodyOf(req);
    if (!isContent(content)) throw validationFailed('Reaction', 'invalid', 'content');
    const existing = comment.reactions.find((r) => r.content === content && r.user.id === world.bot.id);
    if (existing) return ok(reactionJson(world, existing));
    const reaction: ReactionRecord = { id: world.nextId(), content, user: world.bot, created_at: world.now() };
    comment.reactions.push(reaction);
    return ok(reactionJson(world, reaction), 201);
  });
}
