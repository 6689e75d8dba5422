import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

interface ScramSession {
  clientNonce: string;
  response: string;
  serverSignature: string;
}
/** pg's SCRAM client (untyped internals): what a client logging in sends. */
const sasl = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as {
  startSession(mechanisms: string[]): ScramSession;
  continueSession(session: ScramSession, password: string, serverData: string): Promise<void>;
};

/**
 * Plays the server's side of a SCRAM-SHA-256 login (RFC 5802 section 3) with a stored verifier
 * against pg's own client logging in with `password`: whether the client's proof matches the
 * stored key, and whether the signature the client expects matches the stored server key.
 */
export async function scramLogin(verifier: string, password: string): Promise<{ proofAccepted: boolean; serverSignatureMatches: boolean }> {
  const [, iterations, salt, storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
  const session = sasl.startSession(['SCRAM-SHA-256']);
  const serverFirst = `r=${session.clientNonce}server-nonce,s=${salt},i=${iterations}`;
  await sasl.continueSession(session, password, serverFirst);
  const [withoutProof, proof] = session.response.split(',p=');
  const authMessage = `n=*,r=${session.clientNonce},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', Buffer.from(storedKey!, 'base64')).update(authMessage).digest();
  const clientKey = Buffer.from(proof!, 'base64').map((b, i) => b ^ signature[i]!);
  return {
    proofAccepted: createHash('sha256').update(clientKey).digest('base64') === storedKey,
    serverSignatureMatches: createHmac('sha256', Buffer.from(serverKey!, 'base64')).update(authMessage).digest('base64') === session.serverSignature,
  };
}
