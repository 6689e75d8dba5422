import picomatch from 'picomatch';

/**
 * The one include/exclude rule of the repo config (model files, scope of full runs): a value
 * is in when an include pattern matches it and no exclude pattern does. Dotfiles and dot
 * segments match like any other, so `**` means everything.
 */
export function globFilter(include: readonly string[], exclude: readonly string[]): (value: string) => boolean {
  const included = picomatch([...include], { dot: true });
  const excluded = picomatch([...exclude], { dot: true });
  return (value) => included(value) && !excluded(value);
}
