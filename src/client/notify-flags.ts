// --mail-user / --notify-email and --notify-on, checked before anything is sent.
import { parseNotifyEvents } from '../core/notify-on.js';
import { usage } from '../protocol/errors.js';
import type { SubmitRequest } from '../protocol/job.js';
import type { SubmitFlags } from './submit-options.js';

export function notifyFields(f: SubmitFlags): Pick<SubmitRequest, 'mailUser' | 'notifyOn'> {
  if (f.mailUser !== undefined && f.notifyEmail !== undefined && f.mailUser !== f.notifyEmail) throw usage('--mail-user and --notify-email both give the address', 'give one of them');
  const mailUser = (f.mailUser ?? f.notifyEmail)?.trim();
  if (mailUser !== undefined && !/^[^\s@]+@[^\s@]+$/.test(mailUser)) throw usage(`--mail-user '${mailUser}' is not an e-mail address`, 'give an address like alice@example.com');
  if (f.notifyOn === undefined) return mailUser === undefined ? {} : { mailUser };
  if (mailUser === undefined) throw usage('--notify-on says what --mail-user is told of, and there is no --mail-user', 'add --mail-user ADDRESS, or use standing rules: gflow notify add …');
  try {
    return { mailUser, notifyOn: parseNotifyEvents(f.notifyOn) };
  } catch (err) {
    throw usage(`--notify-on: ${(err as Error).message}`);
  }
}
