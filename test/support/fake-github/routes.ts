/**
 * The one list of areas the fake serves. Adding an area (teams, branch protection, rulesets,
 * environments, variables, collaborators) is: a module with its store (added to `World`) and
 * a `xxxRoutes(router, world)` function, plus one line here.
 */
import { checkRoutes } from './checks.js';
import { collaboratorRoutes } from './collaborators.js';
import { contentRoutes } from './contents.js';
import { deliveryRoutes } from './deliveries.js';
import { environmentRoutes } from './environments.js';
import { gitRoutes } from './git.js';
import { gitWriteRoutes } from './git-writes.js';
import { installationRoutes } from './installation.js';
import { installationRepoRoutes } from './installation-repos.js';
import { issueRoutes } from './issues.js';
import { labelRoutes } from './labels.js';
import { pullRoutes } from './pulls.js';
import { reactionRoutes } from './reactions.js';
import { repoRoutes } from './repos.js';
import { reviewRoutes } from './reviews.js';
import { Router } from './router.js';
import { rulesetRoutes } from './rulesets.js';
import { tarballRoutes } from './tarball.js';
import { teamRoutes } from './teams.js';
import { userRoutes } from './users.js';
import { variableRoutes } from './variables.js';
import type { World } from './world.js';

const AREAS: Array<(router: Router, world: World) => void> = [
  installationRoutes,
  deliveryRoutes,
  installationRepoRoutes,
  repoRoutes,
  labelRoutes,
  gitRoutes,
  gitWriteRoutes,
  contentRoutes,
  tarballRoutes,
  checkRoutes,
  issueRoutes,
  reactionRoutes,
  pullRoutes,
  reviewRoutes,
  userRoutes,
  teamRoutes,
  collaboratorRoutes,
  rulesetRoutes,
  environmentRoutes,
  variableRoutes,
];

export function buildRouter(world: World): Router {
  const router = new Router();
  for (const area of AREAS) area(router, world);
  return router;
}
