/**
 * GitHub's web address honouring Probot's GHE_HOST / GHE_PROTOCOL, so the same code serves
 * github.com and GitHub Enterprise Server.
 */
export function githubWebUrl(env: Readonly<Record<string, string | undefined>>): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}` : 'https://github.com';
}

