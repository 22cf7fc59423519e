// `gflow close [ids] [--all-finished]`: remove the tmux sessions of ended jobs.
import { parseIdList } from '../../core/id-list.js';
import { ROUTES, type CloseResponse } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';

export async function closeCommand(ids: string | undefined, flags: { allFinished?: boolean }): Promise<void> {
  if (!ids && !flags.allFinished) throw usage('nothing to close', 'give job ids, or --all-finished');
  if (ids && flags.allFinished) throw usage('give job ids or --all-finished, not both');
  const body = flags.allFinished ? { allEnded: true } : { ids: parseIdList(ids!) };
  const { closed } = await new Client().request<CloseResponse>('POST', ROUTES.close, body);
  process.stdout.write(closed.length ? `Closed ${closed.length} session(s): ${closed.join(', ')}\n` : 'No sessions to close\n');
}
