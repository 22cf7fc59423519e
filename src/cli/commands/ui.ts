// `gflow ui`: a link to the web dashboard that logs the browser in once. The link carries a
// one-time login code (valid a minute) in its fragment, which browsers never send to a server
// or keep in a log; the API token itself never leaves the CLI. On a desktop it is also opened.
import { spawn, spawnSync } from 'node:child_process';
import { ROUTES } from '../../protocol/api.js';
import { DEFAULT_HOST } from '../../protocol/version.js';
import type { LoginCodeResponse } from '../../protocol/web.js';
import { Client } from '../client.js';

/** Opens the link in the desktop's browser, if there is a desktop; true when it tried. */
function openInBrowser(url: string): boolean {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  if (spawnSync('sh', ['-c', 'command -v xdg-open'], { stdio: 'ignore' }).status !== 0) return false;
  const child = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
  return true;
}

export async function uiCommand(flags: { open?: boolean }): Promise<void> {
  const client = new Client();
  const answer = await client.request<LoginCodeResponse>('POST', ROUTES.uiLoginCode);
  const url = `http://${DEFAULT_HOST}:${client.port}${answer.path}`;
  const opened = flags.open !== false && openInBrowser(url);
  process.stdout.write(
    `${opened ? 'Opening the dashboard in your browser. If it does not open, open' : 'Open'} this link (it logs the browser in once, within a minute):\n\n  ${url}\n\n` +
      `From another computer: ssh -L ${client.port}:${DEFAULT_HOST}:${client.port} <this machine>, then open the link there.\n`,
  );
}
