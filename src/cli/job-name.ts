// What a job is called where a name is shown: its --name, else its script's or program's name.
import type { Job } from '../protocol/job.js';

export function commandName(job: Job): string {
  const script = job.scriptPath ?? job.script;
  if (script) return script.split('/').pop() ?? script;
  const argv = job.command ?? [];
  const word = argv[0] === '/bin/bash' && argv[1] === '-c' ? (argv[2] ?? '').trim().split(/\s+/)[0] : argv[0];
  return (word ?? '').split('/').pop() ?? '';
}
