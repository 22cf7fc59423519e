// Writes what the wrapper needs to run one job: a bash file that sets the environment,
// changes directory and sets the argv ("$@"). Every value is single-quoted, so nothing in a
// name, command or environment value is ever interpreted by the shell.
import fs from 'node:fs';
import path from 'node:path';
import { runAs, shellQuote, type RunAs } from '../../tmux/tmux.js';
import { readAt, readRegular, writeFresh, type Owner } from '../../config/safe-file.js';

// Variables that describe the terminal gflow runs the job in, not the submitter's.
const KEEP_FROM_PANE = new Set(['TERM', 'TMUX', 'TMUX_PANE', 'GFLOW_WRAPPED', 'PWD', 'OLDPWD', 'SHLVL', '_']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SpecInput {
  env: Record<string, string>;
  cwd: string;
  argv: string[];
}

export function renderSpec(s: SpecInput): string {
  const lines = ['# gflow job spec (generated)'];
  // Variables bash cannot export by name (exported functions, BASH_FUNC_f%%; names such as
  // a.b) reach the job through env(1), which sets them as the job's program starts.
  const others: string[] = [];
  for (const [k, v] of Object.entries(s.env)) {
    if (KEEP_FROM_PANE.has(k)) continue;
    if (NAME.test(k)) lines.push(`export ${k}=${shellQuote(v)}`);
    else if (!k.startsWith('-')) others.push(`${k}=${v}`);
  }
  lines.push(`cd -- ${shellQuote(s.cwd)} || return 1`);
  const argv = others.length ? ['/usr/bin/env', ...others, ...s.argv] : s.argv;
  lines.push(`set -- ${argv.map(shellQuote).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the spec where only its owner (and root) can read it. */
export function writeSpec(file: string, s: SpecInput, owner?: Owner): void {
  writeFresh(file, renderSpec(s), 0o600, owner);
}

// How to run a script: through its `#!` line if it has one (as the kernel would, so the
// script need not be executable), else with bash.
export function scriptArgvOf(script: string, head: string): string[] {
  const m = /^#!\s*(\S+)(?:[ \t]+([^\n]*?))?[ \t]*(?:\n|$)/.exec(head);
  if (!m) return ['/bin/bash', script];
  return m[2] ? [m[1]!, m[2], script] : [m[1]!, script];
}

/** The daemon's own job's script: read as the daemon's user may (links followed, no FIFO). */
export function scriptArgv(script: string): string[] {
  // A missing script (or not a plain file): bash reports it in the job's log.
  let head = '';
  try {
    const fd = fs.openSync(script, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      if (fs.fstatSync(fd).isFile()) head = readAt(fd, 256).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // bash reports it
  }
  return scriptArgvOf(script, head);
}

/**
 * Another user's job (`as`): root reads only the copy kept in the job's own root-owned
 * directory (`keptDir`); any other path (a job submitted before the shared daemon refused
 * `script` paths) is read as the owner, bounded in time (it may be a FIFO).
 */
export async function scriptArgvAs(script: string, keptDir: string, as: RunAs & Owner): Promise<string[]> {
  const head = path.dirname(script) === keptDir
    ? (readRegular(script, 256, 0, as.uid)?.toString('utf8') ?? '')
    : (await runAs(as, ['/usr/bin/timeout', '5', '/usr/bin/head', '-c', '256', '--', script])).stdout;
  return scriptArgvOf(script, head);
}
