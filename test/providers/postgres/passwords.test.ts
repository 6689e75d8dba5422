import pg from 'pg';
import saslprep from '@mongodb-js/saslprep';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scramVerifier } from '../../../src/providers/postgres/password.js';
import { postgresSaslPrep } from '../../../src/providers/postgres/saslprep.js';
import { scramLogin } from './scram-server.js';
import { adminQuery, apply, createTestTarget, failed, plan, resource, type TestTarget } from './harness.js';

const ident = pg.escapeIdentifier;

/**
 * Passwords PostgreSQL prepares in every way pg_saslprep can: used as is (ASCII), mapped
 * (non-ASCII spaces, characters mapped to nothing), normalised (NFKC), left alone, and
 * hashed raw because a check on the mapped, not yet normalised, text fails.
 */
const PASSWORDS: Record<string, string> = {
  ascii: 'correct horse battery staple',
  'ascii with controls': 'tab\there\u007f',
  'unchanged by SASLprep': 'pässwörd',
  'unchanged, CJK': '日本語のパスワード',
  'non-ASCII space': 'pass\u00a0word\u3000x',
  'zero-width space (a space, not nothing)': 'a\u200bb',
  'mapped to nothing': 'soft\u00adhyphen\ufe0f',
  'only mapped to nothing (raw)': '\u00ad\u200d',
  'decomposed, composed by NFKC': 'pa\u0308sswo\u0308rd',
  'compatibility forms': '\ufb01le\u00b2 \uff30\uff41\uff53\uff53',
  'right-to-left only': '\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd',
  'bidi rule broken (raw)': '\u05e9\u05dc\u05d5\u05ddabc\u00a0',
  'RTL not last (raw)': '\u05e9\u05dc\u05d5\u05dd1\u00a0',
  'prohibited before NFKC only (raw)': 'a\u0340\u00a0b',
  'unassigned in Unicode 3.2 (raw)': '\u0221\u00a0x',
  'private use (raw)': '\ue000\u00a0x',
};

/** The bytes PostgreSQL hashes, as the server computed them for one `PASSWORD '…'`: compared through the keys. */
const parse = (verifier: string) => {
  const [, iterations, salt, storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
  return { iterations: Number(iterations), salt: Buffer.from(salt!, 'base64'), storedKey: storedKey!, serverKey: serverKey! };
};

let target: TestTarget;
beforeAll(async () => {
  target = await createTestTarget();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await target?.drop();
});

describe('postgres passwords against the server', () => {
  it('computes, for every kind of password, the verifier PostgreSQL itself computes', async () => {
    const role = `${target.prefix}hashing`;
    await adminQuery(`CREATE ROLE ${ident(role)}`);
    for (const [label, password] of Object.entries(PASSWORDS)) {
      // The server hashes the plaintext itself (only here, in the test): its salt, its SASLprep.
      await adminQuery(`SET password_encryption = 'scram-sha-256'; ALTER ROLE ${ident(role)} PASSWORD ${pg.escapeLiteral(password)}`);
      const [row] = await adminQuery<{ rolpassword: string }>('select rolpassword from pg_authid where rolname = $1', [role]);
      const server = parse(row!.rolpassword);
      expect(server.iterations, label).toBe(4096);
      expect(scramVerifier(password, server.salt), label).toBe(row!.rolpassword);
    }
  });

  it('differs from the plain RFC 4013 library exactly where PostgreSQL does', () => {
    // Each of these the library prepares (or rejects) differently from pg_saslprep.
    expect(saslprep('a\u0340\u00a0b')).toBe('\u00e0 b');
    expect(postgresSaslPrep('a\u0340\u00a0b')).toBe('a\u0340\u00a0b');
    expect(() => saslprep('\u00ad')).toThrow();
    expect(postgresSaslPrep('\u00ad')).toBe('\u00ad');
    expect(() => saslprep('tab\there')).toThrow(/Prohibited/);
    expect(postgresSaslPrep('tab\there')).toBe('tab\there');
    expect(postgresSaslPrep('pass\u00a0word')).toBe('pass word');
  });

  it('sets every password as a SCRAM verifier, never as plaintext SQL, and it authenticates', async () => {
    const names = ['umlaut', 'space', 'unchanged'] as const;
    const secrets = { umlaut: 'pa\u0308sswo\u0308rd', space: 'pass\u00a0wörd', unchanged: 'pässwörd' };
    const env = Object.fromEntries(names.map((n) => [`PG_${n.toUpperCase()}_PASSWORD`, secrets[n]]));
    const session = await target.connect({}, env);
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const roles = names.map((n) => resource('postgres.role', `${target.prefix}${n}`, { login: true, passwordFromEnv: `PG_${n.toUpperCase()}_PASSWORD` }));
      expect(failed(await apply(session, await plan(session, roles)))).toEqual([]);
      const sent = JSON.stringify(spy.mock.calls);
      for (const n of names) {
        expect(sent).not.toContain(JSON.stringify(secrets[n]).slice(1, -1));
        expect(sent).not.toContain(secrets[n].normalize('NFKC'));
      }
    } finally {
      spy.mockRestore();
      await session.close();
    }
    for (const n of names) {
      const [row] = await adminQuery<{ rolpassword: string }>('select rolpassword from pg_authid where rolname = $1', [`${target.prefix}${n}`]);
      expect(row!.rolpassword, n).toMatch(/^SCRAM-SHA-256\$/);
      // The cluster trusts local logins, so play the server's side of SCRAM with what it stored.
      expect(await authenticates(row!.rolpassword, secrets[n]), n).toBe(true);
      expect(await authenticates(row!.rolpassword, `${secrets[n]}x`), n).toBe(false);
    }
  });
});

/** Whether pg's client, logging in with `password`, is accepted by the stored verifier. */
async function authenticates(verifier: string, password: string): Promise<boolean> {
  return (await scramLogin(verifier, password)).proofAccepted;
}
