import { describe, expect, it } from 'vitest';
import { driftTouch } from '../../src/app/drift-events.js';
import { InvalidPayloadError } from '../../src/app/payload.js';
import { example } from '../support/webhooks.js';

const received = new Date('2026-12-03T12:00:00Z');
const touch = (name: string, action: string, adjust?: (p: Record<string, any>) => void) => driftTouch(name, action, example(name, action, adjust), received);

describe('drift event mapping', () => {
  it('maps a repository edit to the repository, dated by its updated_at, by its sender', () => {
    const out = touch('repository', 'edited', (p) => {
      p.repository.name = 'api';
      p.repository.updated_at = '2026-12-03T11:57:00Z';
      p.sender.login = 'alice';
    });
    expect(out).toEqual({
      org: 'Octocoders',
      keys: ['github.repository/api'],
      repos: ['api'],
      sender: { login: 'alice', type: 'User' },
      at: '2026-12-03T11:57:00.000Z',
      url: 'https://github.com/Octocoders/Hello-World',
      event: 'repository.edited',
    });
  });

  it('maps a rename to both names, since the model may declare either', () => {
    const out = touch('repository', 'renamed', (p) => {
      p.repository.name = 'api-v2';
      p.changes = { repository: { name: { from: 'api' } } };
    });
    expect(out?.keys).toEqual(['github.repository/api-v2', 'github.repository/api']);
    // The next full run reads both names again.
    expect(out?.repos).toEqual(['api-v2', 'api']);
  });

  it('maps labels, collaborators, protection rules and team repository grants under their repository', () => {
    const label = touch('label', 'edited', (p) => {
      p.repository.name = 'api';
      p.label.name = 'bug';
      p.changes = { name: { from: 'defect' } };
    });
    expect(label?.keys).toEqual(['github.label/api/bug', 'github.label/api/defect']);
    expect(touch('member', 'added', (p) => ((p.repository.name = 'api'), (p.member.login = 'bob')))?.keys).toEqual(['github.collaborator/api/bob']);
    expect(touch('branch_protection_rule', 'edited', (p) => ((p.repository.name = 'api'), (p.rule.name = 'release/*')))?.keys).toEqual(['github.branch-protection/api/release/*']);
    expect(touch('team', 'added_to_repository', (p) => ((p.team.slug = 'platform'), (p.repository.name = 'api')))?.keys).toEqual(['github.team/platform', 'github.team-repository/platform/api']);
  });

  it('maps team memberships to the team, and org membership changes to the member', () => {
    expect(touch('membership', 'added', (p) => (p.team.slug = 'platform'))?.keys).toEqual(['github.team/platform']);
    expect(touch('organization', 'member_added', (p) => (p.membership.user.login = 'carol'))?.keys).toEqual(['github.member/carol']);
    // Delivery time where the payload carries none.
    expect(touch('organization', 'member_added')?.at).toBe(received.toISOString());
  });

  it('maps repository and org rulesets by where they live', () => {
    const base = example('repository', 'edited');
    const ruleset = (source: string) => ({ ...base, action: 'edited', repository_ruleset: { name: 'protect main', source_type: source } });
    expect(driftTouch('repository_ruleset', 'edited', { ...ruleset('Repository'), repository: { ...base.repository, name: 'api' } }, received)?.keys).toEqual(['github.ruleset/api/protect main']);
    expect(driftTouch('repository_ruleset', 'edited', ruleset('Organization'), received)?.keys).toEqual(['github.org-ruleset/protect main']);
  });

  it('maps nothing for events and actions it does not know, and an invitation that made no member yet', () => {
    expect(touch('organization', 'member_invited')).toBeUndefined();
    expect(driftTouch('star', 'created', example('repository', 'edited'), received)).toBeUndefined();
  });

  it('rejects a payload that lacks what it maps, naming the field', () => {
    const payload = example('label', 'created');
    delete payload.label;
    expect(() => driftTouch('label', 'created', payload, received)).toThrow(InvalidPayloadError);
    expect(() => driftTouch('label', 'created', payload, received)).toThrow(/label: /);
  });
});
