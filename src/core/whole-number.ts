// The one rule for a count given as text (a flag's value, a tool's input): a whole number,
// at least some least value.

/** A whole number of at least `min`, or the message saying what it must be. */
export function wholeNumber(value: string, name: string, min = Number.MIN_SAFE_INTEGER): number | string {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) return `${name} must be a whole number${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}.`;
  return n;
}
