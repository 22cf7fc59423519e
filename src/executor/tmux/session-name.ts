// tmux session names of jobs: `gjob-<id>`, or `gjob-<id>-<name>` with the name reduced to
// characters that are safe in tmux targets and shells (tmux forbids `.` and `:`).
export function jobSessionName(id: number, name: string | null): string {
  const safe = (name ?? '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[-_]+|_+$/g, '')
    .slice(0, 40);
  return safe ? `gjob-${id}-${safe}` : `gjob-${id}`;
}
