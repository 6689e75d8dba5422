import { describe, expect, it } from 'vitest';
import { parseAdoptCommand, parseCommentCommand, usageText } from '../../src/app/commands.js';

describe('/converge adopt <key>', () => {
  it('is parsed on a line of its own, with the key as the drift issue shows it', () => {
    expect(parseCommentCommand('/converge adopt github.repository/api')).toEqual({ kind: 'adopt', key: 'github.repository/api' });
    expect(parseCommentCommand('Keep this one.\n/converge adopt github.label/api/bug  ')).toEqual({ kind: 'adopt', key: 'github.label/api/bug' });
    expect(parseCommentCommand('/converge adopt postgres.role@analytics/app')).toEqual({ kind: 'adopt', key: 'postgres.role@analytics/app' });
    expect(parseAdoptCommand('we could /converge adopt github.repository/api')).toBeUndefined();
  });

  it('loses to a full run in the same comment, as commands Converge runs always have', () => {
    expect(parseCommentCommand('/converge adopt github.repository/api\n/converge full-run')).toMatchObject({ kind: 'full-run' });
  });

  it.each([
    ['/converge adopt', '/converge adopt <key>'],
    ['/converge adopt a b', '/converge adopt <key>'],
    ['/converge adpot github.repository/api', '/converge adopt github.repository/api'],
    ['/converge adop github.repository/api', '/converge adopt github.repository/api'],
  ])('answers `%s` with the suggestion `%s`', (typed, meant) => {
    expect(parseCommentCommand(typed)).toEqual({ kind: 'unknown', line: typed, suggestion: meant });
  });

  it('is listed in the usage text', () => {
    const reply = usageText({ kind: 'unknown', line: '/converge help' });
    expect(reply).toContain('- `/converge adopt <key>`, on a drift issue');
    expect(reply).toContain('admins of this repository only');
  });
});
