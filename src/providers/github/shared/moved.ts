import { RejectedError } from '../../../core/errors.js';

/** A write answered with a redirect: the name now belongs to a renamed repository. */
export function movedError(resource: string): RejectedError {
  return new RejectedError(
    `${resource}: GitHub redirects this name to another repository (it was renamed); nothing was changed. Update the name in the config, or use previousNames.`,
    { resource },
  );
}

/**
 * GitHub answered a write with a 3xx. Writes never follow redirects (a renamed repository's
 * old name must not reach the new one), so nothing is known to have happened: this is
 * thrown, never returned, so no caller can take the answer for success. Not a
 * ConvergeError: `toGitHubError` turns it into one naming the resource.
 */
export class WriteRedirectedError extends Error {
  constructor(
    readonly route: string,
    readonly httpStatus: number,
    readonly location: string | undefined,
  ) {
    super(`GitHub answered ${route} with HTTP ${httpStatus}${location ? ` (to ${location})` : ''}; the write was not followed.`);
    this.name = 'WriteRedirectedError';
  }
}

export function isWriteRedirected(error: unknown): error is WriteRedirectedError {
  return error instanceof WriteRedirectedError;
}

/** The result a redirected write means for `resource`: a rename redirect, or an unexpected answer. */
export function redirectedWriteError(error: WriteRedirectedError, resource: string): RejectedError {
  // 301/307/308: the repository was renamed and the old name points at the new one.
  if ([301, 307, 308].includes(error.httpStatus)) return new RejectedError(movedError(resource).message, { resource, cause: error });
  return new RejectedError(`${resource}: GitHub answered the write with HTTP ${error.httpStatus}, not a result; nothing is known to have changed.`, {
    resource,
    cause: error,
  });
}
