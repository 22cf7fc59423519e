// `gflow ui`: a link to the web dashboard that logs the browser in once. The link carries a
// one-time login code (valid a minute, for this user's connections only) in its fragment, which
// browsers never send to a server or keep in a log; the API token itself never leaves the CLI.
// On a desktop it is also opened — through a one-time redirect of this process
// (src/cli/browser-handoff.ts), since the browser's command line is public and must not hold it.
import { spawn, spawnSync } from 'node:child_process';
import { ROUTES } from '../../protocol/api.js';
import { DEFAULT_HOST } from '../../protocol/version.js';
import { LOGIN_CODE_TTL_MS, type LoginCodeResponse } from '../../protocol/web.js';
import { startHandoff } from '../browser-handoff.js';
import { Client } from '../../client/client.js';

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program], { stdio: 'ignore' }).status === 0;
}

/**
 * How to open an address in the desktop's browser: $BROWSER (its first entry; `%s` stands for
 * the address, else it comes last), else xdg-open; undefined without a desktop or an opener.
 */
function browserOpener(): ((url: string) => string[]) | undefined {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  const words = (process.env.BROWSER ?? '').split(':')[0]!.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return onPath('xdg-open') ? (url) => ['xdg-open', url] : undefined;
  if (!onPath(words[0]!)) return undefined;
  return (url) => (words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url]);
}

export async function uiCommand(flags: { open?: boolean }): Promise<void> {
  const client = new Client();
  const answer = await client.request<LoginCodeResponse>('POST', ROUTES.uiLoginCode);
  const link = `http://${DEFAULT_HOST}:${client.port}${answer.path}`;
  const text = (lead: string): string =>
    `${lead} this link (it logs the browser in once, within a minute, from your account only):\n\n  ${link}\n\n` +
    `From another computer: ssh -L ${client.port}:${DEFAULT_HOST}:${client.port} <this machine>, then open the link there.\n`;
  const opener = flags.open !== false ? browserOpener() : undefined;
  if (!opener) {
    process.stdout.write(text('Open'));
    return;
  }
  const handoff = await startHandoff(link, LOGIN_CODE_TTL_MS);
  const argv = opener(handoff.url);
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
  // An opener that fails (no browser configured) says so by its exit status; a browser started
  // by it may run on, which is no reason to wait for it.
  child.on('error', () => handoff.close());
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) handoff.close();
  });
  child.unref();
  process.stdout.write(text('Opening the dashboard in your browser (waiting up to a minute for it). If it does not open, open'));
  const end = await handoff.done;
  if (end === 'sent') process.stdout.write('The browser has the link.\n');
  else process.stdout.write(`The browser ${end === 'stopped' ? 'could not be opened' : 'did not come for the link'}: open the link above.\n`);
}
