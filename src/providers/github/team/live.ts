import { compact } from '../shared/fields.js';
import type { Team } from './schema.js';
import type { LiveTeam } from './graphql.js';

const sorted = (logins: string[]) => [...new Set(logins.map((l) => l.toLowerCase()))].sort();

/** A team as a spec: members and maintainers only when they were read. */
export function teamFromLive(live: LiveTeam): Team {
  const { team } = live;
  return compact({
    name: team.name,
    description: team.description ?? '',
    privacy: team.privacy === 'SECRET' ? 'secret' : 'closed',
    parent: team.parentTeam?.slug ?? null,
    notifications: team.notificationSetting === 'NOTIFICATIONS_ENABLED',
    members: live.members && sorted(live.members.filter((m) => m.role === 'MEMBER').map((m) => m.node.login)),
    maintainers: live.members && sorted(live.members.filter((m) => m.role === 'MAINTAINER').map((m) => m.node.login)),
  }) as Team;
}
