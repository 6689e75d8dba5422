import saslprep from '@mongodb-js/saslprep';

/**
 * SASLprep (RFC 4013) exactly as PostgreSQL's pg_saslprep (src/common/saslprep.c) does it,
 * which both the server (`PASSWORD '…'`) and libpq run before hashing. It differs from the
 * RFC, and from the library, in four ways that change the bytes hashed:
 *
 * - a pure ASCII password is used as it is (no mapping, control characters allowed);
 * - the prohibited-character, unassigned-code-point and bidi checks run on the *mapped*
 *   string, before NFKC, not on the normalised one;
 * - unassigned code points (RFC 3454 table A.1) count as prohibited;
 * - when a check fails, or nothing is left after mapping, the raw password is hashed
 *   instead of the request failing.
 *
 * The library holds the RFC tables; it only checks normalised text, so it is asked one
 * character at a time, which for a character NFKC leaves alone is a question about that
 * character itself.
 */
export function postgresSaslPrep(password: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  const mapped = [...password].flatMap((c) => (NON_ASCII_SPACE.test(c) ? [' '] : MAPPED_TO_NOTHING.test(c) ? [] : [c]));
  if (mapped.length === 0 || mapped.some(prohibited) || !bidiAllowed(mapped)) return password;
  return mapped.join('').normalize('NFKC');
}

/** RFC 3454 C.1.2, mapped to SPACE (checked first: U+200B is in both tables). */
const NON_ASCII_SPACE = /^[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]$/u;
/** RFC 3454 B.1, mapped to nothing. */
const MAPPED_TO_NOTHING = /^[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]$/u;

/**
 * RFC 3454 C.8 characters that NFKC turns into allowed ones (U+0340 → U+0300, U+0341 →
 * U+0301): asking the library about them alone would see the allowed form.
 */
const PROHIBITED_BEFORE_NFKC = new Set(['\u0340', '\u0341']);

const HEBREW_ALEF = '\u05d0';

function accepted(text: string): boolean {
  try {
    saslprep(text);
    return true;
  } catch {
    return false;
  }
}

/** Prohibited output (RFC 4013 2.3) or unassigned in Unicode 3.2 (RFC 3454 A.1). */
function prohibited(c: string): boolean {
  return PROHIBITED_BEFORE_NFKC.has(c) || !accepted(c);
}

/** RandALCat (table D.1): next to a Latin letter it breaks the bidi rule. */
const randAL = (c: string): boolean => !accepted(`${c}x`);
/** LCat (table D.2): between two Hebrew letters it breaks the bidi rule. */
const lCat = (c: string): boolean => !accepted(`${HEBREW_ALEF}${c}${HEBREW_ALEF}`);

/** RFC 3454 section 6: with any RandALCat, no LCat, and RandALCat first and last. */
function bidiAllowed(chars: readonly string[]): boolean {
  if (!chars.some(randAL)) return true;
  return !chars.some(lCat) && randAL(chars[0]!) && randAL(chars[chars.length - 1]!);
}
