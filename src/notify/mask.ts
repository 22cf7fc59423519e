// What of a delivery's target may be shown (in the daemon's log, in `notify list`): a URL's
// path and query often carry a token (Slack and ntfy webhooks do), header values are secrets.

/** `https://hooks.example.com/…`: scheme and host only. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const rest = u.pathname.length > 1 || u.search !== '' ? '/…' : '';
    return `${u.protocol}//${u.host}${rest}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A command as the log shows it: its first word only. */
export function maskCommand(cmd: string): string {
  const first = cmd.trim().split(/\s+/)[0] ?? '';
  return first.length < cmd.trim().length ? `${first} …` : first;
}

export function maskTarget(channel: string, target: string): string {
  if (channel === 'webhook') return maskUrl(target);
  if (channel === 'command') return maskCommand(target);
  return target;
}
