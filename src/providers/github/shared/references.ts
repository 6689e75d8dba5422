/**
 * A team, user or app a desired resource names. The provider checks them all at once before
 * planning (validate.ts), so a kind only says what it names and in which role.
 */
export interface Reference {
  type: 'team' | 'user' | 'app';
  name: string;
  /** What the reference is for, completing "… so it cannot be <role>". */
  role: string;
  /**
   * Users only. `required`: adding them would invite them to the org, and Converge never
   * invites, so they must be members already (an error). `declared`: the resource says they
   * are members; when they are not, that is a warning (the difference is reported, not applied).
   */
  membership?: 'required' | 'declared';
}

/** One reference per name (none for a missing list), all of one type and role. */
export function referencesTo(
  type: Reference['type'],
  names: readonly string[] | undefined,
  role: string,
  membership?: Reference['membership'],
): Reference[] {
  return (names ?? []).map((name) => ({ type, name, role, ...(membership ? { membership } : {}) }));
}
