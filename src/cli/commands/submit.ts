// `gflow submit`: a command after --, a script file (with `# GFLOW` directives), or `-`.
import fs from 'node:fs';
import path from 'node:path';
import { parseTimeLimit } from '../../core/duration.js';
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import type { SubmitRequest } from '../../protocol/job.js';
import { Client } from '../client.js';
import { usage } from '../fail.js';
import { currentUser } from '../job-ref.js';
import { parseDirectives, type SubmitFlags } from '../script-directives.js';

const GFLOW_WORDS = new Set(['queue', 'q', 'list', 'show', 'log', 'attach', 'cancel', 'hold', 'release', 'close', 'status', 'config']);

export async function submitCommand(args: string[], flags: SubmitFlags & { json?: boolean }): Promise<void> {
  const req = await buildRequest(args, flags);
  const { job } = await new Client().request<JobResponse>('POST', ROUTES.jobs, req);
  process.stdout.write(flags.json ? `${JSON.stringify(job, null, 2)}\n` : `Submitted job ${job.id}${job.state === 'hold' ? ' (on hold)' : ''}\n`);
}

async function buildRequest(args: string[], cli: SubmitFlags): Promise<SubmitRequest> {
  if (args.length === 0) throw usage('nothing to submit', 'gflow submit -- <command…>, gflow submit script.sh, or gflow submit - < script.sh');
  const cwd = process.cwd();
  const base = { cwd, env: { ...process.env } as Record<string, string>, user: currentUser() };
  let flags = cli;
  let source: Pick<SubmitRequest, 'command' | 'script' | 'scriptText'>;
  if (args.length === 1 && args[0] === '-') {
    const text = await readStdin();
    if (text.trim() === '') throw usage('the script on stdin is empty');
    flags = { ...parseDirectives(text, 'stdin'), ...definedOnly(cli) };
    source = { scriptText: text };
  } else if (args.length === 1 && isFile(path.resolve(cwd, args[0]!))) {
    const script = path.resolve(cwd, args[0]!);
    flags = { ...parseDirectives(fs.readFileSync(script, 'utf8'), script), ...definedOnly(cli) };
    source = { script };
  } else {
    // One argument with spaces or shell syntax is a shell snippet; otherwise an argv.
    const command = args.length === 1 && /[\s;&|<>$`'"(){}*?~]/.test(args[0]!) ? ['/bin/bash', '-c', args[0]!] : args;
    checkProgram(command[0] === '/bin/bash' && args.length === 1 ? firstWord(args[0]!) : command[0]!, cwd);
    source = { command };
  }
  return {
    ...base,
    ...source,
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
    ...(flags.cpus !== undefined ? { cpus: flags.cpus } : {}),
    ...(flags.time !== undefined ? { timeLimitSec: parseTimeLimit(flags.time) } : {}),
    ...(flags.hold ? { hold: true } : {}),
  };
}

function definedOnly(flags: SubmitFlags): SubmitFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as SubmitFlags;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function firstWord(snippet: string): string {
  return snippet.trim().split(/[\s;&|<>()]+/)[0] ?? '';
}

// Refuse what can only fail: `gflow submit lst` is a typo, not a job.
function checkProgram(word: string, cwd: string): void {
  if (word === '' || isShellKeyword(word)) return;
  if (word.includes('/')) {
    if (isFile(path.resolve(cwd, word))) return;
    throw usage(`'${word}' does not exist`, 'check the path, or give the command after --');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, word), fs.constants.X_OK);
      return;
    } catch {
      // not in this directory
    }
  }
  const hint = GFLOW_WORDS.has(word) ? `did you mean \`gflow ${word}\`?` : 'check the spelling, or give a script path; to run shell code, quote it: gflow submit -- \'cmd1 && cmd2\'';
  throw usage(`'${word}' is neither a file nor a command on PATH`, hint);
}

function isShellKeyword(word: string): boolean {
  return ['for', 'while', 'if', 'case', 'until', '{', '(', 'export', 'cd', 'source', '.', 'exec', 'set', 'eval'].includes(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw usage('`gflow submit -` reads a script from stdin, but stdin is a terminal', 'pipe a script in: gflow submit - < job.sh');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
