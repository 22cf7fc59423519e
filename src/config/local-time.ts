// Times for people: `2026-11-22 09:44:30` in the machine's (or $TZ's) local zone, used by every
// text output of the CLI and by the daemon's log lines. JSON keeps ISO 8601 with its zone.
// It lives here, beside the other things both the CLI and the daemon read, so there is one.

const two = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time to the second; an ISO string, a Date or ms since the epoch. */
export function localTime(when: string | number | Date): string {
  const d = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
