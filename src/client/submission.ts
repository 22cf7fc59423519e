// What a submission sends, built and checked from typed values: the words of what to run (a
// command, a script path, or `-` for script text), the flags (SubmitFlags, as `gflow submit`
// parses its command line into them) and the place it is made from. `gflow submit` and the MCP
// submit tools both build their requests here; the script's `# GFLOW` directives are read here.
import fs from 'node:fs';
import path from 'node:path';
import { parseTimeLimit } from '../core/duration.js';
import { expandOutputPattern } from '../core/output-path.js';
import { usage } from '../protocol/errors.js';
import type { SubmitRequest, TaskSpec } from '../protocol/job.js';
import type { Client } from './client.js';
import { exportEnv } from './export-env.js';
import { currentUser } from './job-ref.js';
import { parseDirectives } from './script-directives.js';
import { checkCombinations, type SubmitFlags } from './submit-options.js';

/**
 * Where a submission is made from: relative paths resolve against `cwd`; `-` reads `stdin`.
 * `ownCommand` names the caller's own command a mistyped program word meant, if any.
 */
export interface SubmitPlace {
  cwd: string;
  stdin: () => string;
  ownCommand?: (word: string) => Promise<string | undefined>;
}

export interface Submission {
  base: SubmitRequest;
  tasks: TaskSpec[] | undefined;
  /** The flags given and the script's directives, merged. */
  flags: SubmitFlags;
  directives?: string[];
}

/**
 * The request(s) for `args` with the flags `given` (only those given: a script's directives
 * fill in the others), checked; nothing is sent. The client resolves dependency references.
 */
export async function buildSubmission(client: Client, args: string[], given: SubmitFlags, place: SubmitPlace): Promise<Submission> {
  const each = given.each !== undefined ? readEach(given.each, args, place) : undefined;
  // With --each, the batch's base carries the first line; every task carries its own.
  const { source, flags, text, directives } = each ? { source: { command: each[0]! }, flags: given, text: undefined, directives: undefined } : await readSource(args, given, place);
  checkCombinations(flags);
  const env = { ...process.env } as Record<string, string>;
  const base: SubmitRequest = { cwd: workDir(flags.chdir, place.cwd), env: flags.export === undefined ? env : exportEnv(flags.export, env), user: currentUser(), ...source, ...(await resources(client, flags)) };
  const tasks = each
    ? each.map((command) => ({ command }))
    : flags.array !== undefined || flags.param !== undefined || flags.paramFile !== undefined || flags.nameTemplate !== undefined ? await expandTasks({ ...flags, ...(flags.paramFile !== undefined ? { paramFile: path.resolve(place.cwd, flags.paramFile) } : {}) }, base, text) : undefined;
  return { base, tasks, flags, ...(directives ? { directives } : {}) };
}

async function readSource(args: string[], given: SubmitFlags, place: SubmitPlace): Promise<{ source: Pick<SubmitRequest, 'command' | 'script' | 'scriptText' | 'scriptPath'>; flags: SubmitFlags; text?: string; directives?: string[] }> {
  if (args.length === 0) throw usage('nothing to submit', 'gflow submit -- <command…>, gflow submit script.sh, or gflow submit - < script.sh');
  // Flags given (on the command line, to a tool) win over the script's directives.
  let directives: string[] | undefined;
  const merge = (text: string, where: string): SubmitFlags => {
    const d = parseDirectives(text, where);
    directives = d.tokens;
    const out: Record<string, unknown> = {};
    for (const k of d.given) out[k] = (d.flags as Record<string, unknown>)[k];
    return { ...out, ...given };
  };
  if (args.length === 1 && args[0] === '-') {
    const text = place.stdin();
    if (text.trim() === '') throw usage('the script on stdin is empty');
    const flags = merge(text, 'stdin');
    return { source: { scriptText: text }, flags, text, directives };
  }
  const file = path.resolve(place.cwd, args[0]!);
  if (args.length === 1 && isFile(file)) {
    const text = readScript(file);
    const flags = merge(text, file);
    if (flags.each !== undefined && given.each === undefined) throw usage(`${file}: --each in a # GFLOW directive`, 'give --each on the command line: gflow submit --each FILE');
    // The script is taken now, as its directives are (and as sbatch does): an edit or removal
    // after submit does not change what the job runs.
    return { source: { scriptText: text, scriptPath: file }, flags, text, directives };
  }
  // One argument with spaces or shell syntax is a shell snippet; otherwise an argv.
  const snippet = args.length === 1 && SHELL_SYNTAX.test(args[0]!);
  await checkProgram(snippet ? firstWord(args[0]!) : args[0]!, place);
  return { source: { command: snippet ? ['/bin/bash', '-c', args[0]!] : args }, flags: given };
}

// Spaces or shell syntax (\x60 is the backquote, written so that readers of the source do not
// take it for the start of a template string).
const SHELL_SYNTAX = /[\s;&|<>$\x60'"(){}*?~]/;

async function resources(client: Client, f: SubmitFlags): Promise<Partial<SubmitRequest>> {
  const out: Partial<SubmitRequest> = {};
  if (f.name !== undefined || f.jobName !== undefined) out.name = f.name ?? f.jobName;
  if (f.priority !== undefined) out.priority = f.priority;
  if (f.nice) out.priority = (out.priority ?? 0) - f.nice;
  if (f.gres !== undefined) out.gpus = parseGres(f.gres);
  if (f.output !== undefined) out.outputPath = checkPattern(f.output);
  if (f.maxLog !== undefined) out.maxLogBytes = (await import('../core/size.js')).parseByteSize(f.maxLog);
  if (f.error !== undefined) out.errorPath = checkPattern(f.error);
  if (f.condaEnv !== undefined) out.condaEnv = checkCondaEnv(f.condaEnv);
  if (f.autoClose) out.autoClose = true;
  if (f.requeue) {
    out.requeue = true;
    out.maxRetries ??= (await import('../core/requeue.js')).DEFAULT_REQUEUES;
  }
  if (f.cpus !== undefined) out.cpus = f.cpus;
  if (f.time !== undefined) out.timeLimitSec = parseTimeLimit(f.time);
  if (f.signal !== undefined) {
    const { checkWarnSignal, parseSignalSpec } = await import('../core/signals.js');
    const spec = parseSignalSpec(f.signal);
    checkWarnSignal(spec.beforeSec, out.timeLimitSec); // the daemon's rule, said before anything is sent
    out.warnSignal = spec.signal;
    out.warnBeforeSec = spec.beforeSec;
  }
  if (f.hold) out.hold = true;
  if (f.gpus !== undefined) out.gpus = f.gpus;
  if (f.gpuMemory !== undefined) out.gpuMemoryMb = (await import('../core/size.js')).parseMemoryMb(f.gpuMemory);
  if (f.shared) {
    if (out.gpuMemoryMb === undefined) throw usage('--shared needs --gpu-memory', 'say how much GPU memory the job uses, e.g. --shared --gpu-memory 20G');
    out.shared = true;
    out.gpus ??= 1;
  }
  const given = [f.dependsOn, f.dependsOnAll, f.dependsOnAny].filter((x) => x !== undefined);
  if (given.length > 1) throw usage('give one of --depends-on, --depends-on-all, --depends-on-any');
  const refs = f.dependsOn ?? f.dependsOnAll ?? f.dependsOnAny;
  if (refs !== undefined) {
    const spec = await (await import('./dep-spec.js')).resolveDependencySpec(client, refs);
    if (spec.dependsOn.length) {
      out.dependsOn = spec.dependsOn;
      out.dependsMode = f.dependsOnAny !== undefined ? 'any' : 'all';
      if (spec.dependsKinds.some((k) => k !== 'afterok')) out.dependsKinds = spec.dependsKinds;
    }
    if (spec.singleton) out.singleton = true;
  }
  if (f.autoCancel === false) out.autoCancel = false;
  if (f.maxConcurrent !== undefined) out.maxConcurrent = f.maxConcurrent;
  if (f.maxRetries !== undefined) out.maxRetries = f.maxRetries;
  if (f.retryOnTimeout) out.retryOnTimeout = true;
  if (f.project !== undefined) out.project = f.project;
  const mem = f.mem ?? f.memory;
  if (mem !== undefined) out.memMb = (await import('../core/size.js')).parseMemoryMb(mem);
  if (f.begin !== undefined) out.beginAt = (await import('../core/begin-time.js')).parseBeginTime(f.begin, new Date());
  if (f.mailUser !== undefined || f.notifyEmail !== undefined || f.notifyOn !== undefined) Object.assign(out, (await import('./notify-flags.js')).notifyFields(f));
  return out;
}

// --array and --param/--param-file make a batch; one task per array index or sweep point.
// A sweep substitutes its declared {name}s in the command's arguments, or, for a script
// (`scriptText`: its text), in the script text, which then travels with each task.
export async function expandTasks(f: SubmitFlags, base: SubmitRequest, scriptText?: string): Promise<TaskSpec[] | undefined> {
  const { expandParams, parseArraySpec, parseParamCsv, parseParamSpecs, substituteParams } = await import('../core/sweep.js');
  const sweep = (f.param?.length ?? 0) > 0 || f.paramFile !== undefined;
  if (f.array !== undefined && sweep) throw usage('--array and --param/--param-file do not go together', 'use one of them');
  if (f.array !== undefined) {
    const spec = parseArraySpec(f.array);
    if (spec.maxConcurrent !== undefined) base.maxConcurrent = spec.maxConcurrent;
    return spec.tasks.map((t) => ({ arrayTaskId: t }));
  }
  if (!sweep) {
    if (f.nameTemplate !== undefined) throw usage('--name-template needs --param or --param-file');
    return undefined;
  }
  const csv = f.paramFile !== undefined ? parseParamCsv(readFile(f.paramFile)) : undefined;
  const points = expandParams(parseParamSpecs(f.param ?? []), csv);
  if (points.length === 0) throw usage('the sweep has no points', 'give --param name=values or a --param-file with rows');
  const names = Object.keys(points[0]!);
  const scriptUses = scriptText !== undefined && !base.command && names.some((n) => scriptText.includes(`{${n}}`));
  return points.map((p) => ({
    params: p,
    ...(base.command ? { command: base.command.map((a) => substituteParams(a, p)) } : {}),
    ...(scriptUses ? { scriptText: substituteParams(scriptText, p) } : {}),
    ...(f.nameTemplate !== undefined ? { name: substituteParams(f.nameTemplate, p) } : {}),
  }));
}

// `--each FILE`: one job per line, each line a shell command as `gflow submit -- 'line'` would
// run it. Blank lines and lines starting with # are skipped.
function readEach(file: string, args: string[], place: SubmitPlace): string[][] {
  if (args.length > 0) throw usage('--each takes the commands from its file; give no command as well', 'gflow submit --each jobs.txt (one command per line)');
  const text = file === '-' ? place.stdin() : readFile(path.resolve(place.cwd, file));
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (lines.length === 0) throw usage(`--each ${file}: no commands (blank lines and # comments are skipped)`, 'write one command per line');
  return lines.map((l) => ['/bin/bash', '-c', l]);
}

// A bad pattern is refused at submit, not when the job starts.
function checkPattern(p: string): string {
  if (p.trim() === '') throw usage('an empty output file name', 'e.g. -o logs/%x-%j.out');
  expandOutputPattern(p, { id: 1, name: null, arrayTaskId: null, arrayFirst: 1, user: 'u' });
  return p;
}

// Slurm users type -e for --error: a file name is not an environment.
function checkCondaEnv(name: string): string {
  if (name.trim() === '') throw usage('--conda-env needs an environment name');
  if (/%|\.(out|err|log|txt)$/.test(name)) throw usage(`-e/--conda-env '${name}' looks like a file name`, 'in gflow -e is --conda-env; for a stderr file use --error FILE');
  return name;
}

// Slurm's generic resources: only GPUs exist here.
function parseGres(text: string): number {
  const m = /^gpu(?::[A-Za-z0-9_.-]+)?:(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > 64) throw usage(`--gres '${text}': gflow knows GPUs only`, 'use --gres gpu:N (or gpu:<type>:N), e.g. --gres gpu:2');
  return Number(m[1]);
}

function workDir(dir: string | undefined, cwd: string): string {
  if (dir === undefined) return cwd;
  const abs = path.resolve(cwd, dir);
  if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw usage(`--chdir '${dir}' is not a directory`, 'give an existing directory');
  return abs;
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw usage(`cannot read ${file}: ${(err as Error).message}`);
  }
}

// The daemon keeps a script's text (up to 1 MiB): a binary or a larger file is not a job script.
const MAX_SCRIPT = 1024 * 1024;
function readScript(file: string): string {
  const bytes = fs.readFileSync(file);
  if (bytes.length > MAX_SCRIPT) throw usage(`${file} is ${Math.ceil(bytes.length / 1024)} KiB; a script is kept at submit and may be at most 1024 KiB`, 'submit a small script that runs the large one, or give it after --: gflow submit -- bash big.sh');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw usage(`${file} is not a text script (not UTF-8)`, 'to run a program, give it after --: gflow submit -- ./program');
  }
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
async function checkProgram(word: string, place: SubmitPlace): Promise<void> {
  if (word === '' || isShellKeyword(word)) return;
  if (word.includes('/')) {
    if (isFile(path.resolve(place.cwd, word))) return;
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
  const meant = await place.ownCommand?.(word);
  const hint = meant ? `did you mean \`${meant}\`?` : "check the spelling, or give a script path; to run shell code, quote it: gflow submit -- 'cmd1 && cmd2'";
  throw usage(`'${word}' is neither a file nor a command on PATH`, hint);
}

function isShellKeyword(word: string): boolean {
  return ['for', 'while', 'if', 'case', 'until', '{', '(', 'export', 'cd', 'source', '.', 'exec', 'set', 'eval'].includes(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}
