import { RejectedError } from '../../core/errors.js';

/** A write answered with a redirect: the name now belongs to a renamed repository. */
export function movedError(resource: string): RejectedError {
  return new RejectedError(
    `${resource}: GitHub redirects this name to another repository (it was renamed); nothing was changed. Update the name in the config, or use previousNames.`,
    { resource },
  );
}
