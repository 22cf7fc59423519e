// Names the process that holds a port, for a message a user can act on.
export async function portHolder(port: number): Promise<string> {
  try {
    const { default: find } = await import('find-process');
    const found = await find('port', port);
    const p = found[0];
    if (p) return `${p.name} (pid ${p.pid}${p.cmd ? `: ${p.cmd.slice(0, 80)}` : ''})`;
  } catch {
    // fall through
  }
  return 'another program';
}
