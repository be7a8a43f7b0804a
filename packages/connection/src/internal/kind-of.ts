/**
 * The kind of a value, for messages: `null`, `a string`, `an object`,
 * `a Uint8ArrayList`.
 *
 * @internal
 */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = value.constructor?.name;
  if (name === undefined || name === 'Object') return 'an object';
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}
