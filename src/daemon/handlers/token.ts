// POST /v1/token/rotate: a new API token, when the old one may have leaked. The new one is
// written to the owner's token file (the CLI reads it there) and never sent over the wire; the
// old one stops working at once.
import { writeNewToken } from '../../config/token.js';
import { GflowError } from '../../protocol/errors.js';
import type { Identity } from '../identify.js';
import type { Logger } from '../logger.js';
import type { Answer } from './context.js';

export function rotateToken(identity: Identity, file: string, log: Logger): Answer {
  if (identity.mode !== 'personal' || identity.token === null) {
    throw new GflowError('bad_request', 'a shared daemon has no API token: it knows its callers from the kernel', 'nothing to rotate');
  }
  identity.token = writeNewToken(file);
  log.event(`API token rotated (${file}); the old one no longer works`);
  return [200, { rotated: true }];
}
