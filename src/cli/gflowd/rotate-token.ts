// `gflowd rotate-token`: a new API token when the old one may have leaked. A running daemon
// makes and takes it at once (the old one stops working); without one, the file is replaced and
// the next `gflowd up` uses it.
import { resolvePaths } from '../../config/paths.js';
import { writeNewToken } from '../../config/token.js';
import { ROUTES } from '../../protocol/api.js';
import { GflowError, toGflowError } from '../../protocol/errors.js';
import { Client } from '../../client/client.js';

export async function rotateToken(say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const paths = resolvePaths();
  if (paths.mode !== 'personal') throw new GflowError('usage', 'a shared daemon has no API token: it knows its callers from the kernel', 'nothing to rotate');
  try {
    await new Client({ paths, timeoutMs: 5000 }).request('POST', ROUTES.tokenRotate);
    say(`Rotated the API token (${paths.tokenFile}); the running daemon took the new one and refuses the old one.`);
  } catch (err) {
    if (toGflowError(err).code !== 'daemon_not_running') throw err;
    writeNewToken(paths.tokenFile);
    say(`Rotated the API token (${paths.tokenFile}); no daemon runs, the next gflowd up uses it.`);
  }
}
