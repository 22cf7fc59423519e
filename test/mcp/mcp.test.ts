// `gflow mcp serve` as an agent uses it: the MCP SDK's own client starts `bin/gflow mcp serve`
// over stdio against a real sandbox daemon, lists the tools, submits a job, reads its log,
// cancels another; and in shared mode the server acts as the user who started it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BIN, Sandbox, testUsers, useSandbox, type TestUser } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

interface Agent {
  call(name: string, args?: Record<string, unknown>): Promise<{ error: boolean; text: string }>;
  client: Client;
  close(): Promise<void>;
}

/** An MCP client connected to `gflow mcp serve` started in this environment (as `user`, if given). */
async function agent(env: NodeJS.ProcessEnv, user?: TestUser): Promise<Agent> {
  const server = [BIN.gflow, 'mcp', 'serve'];
  const transport = user
    ? new StdioClientTransport({ command: 'setpriv', args: ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', process.execPath, ...server], env: env as Record<string, string>, cwd: user.home, stderr: 'pipe' })
    : new StdioClientTransport({ command: process.execPath, args: server, env: env as Record<string, string>, stderr: 'pipe' });
  const client = new Client({ name: 'gflow-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    async call(name, args = {}) {
      const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
      return { error: r.isError === true, text: r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') };
    },
    close: () => client.close(),
  };
}

const submittedId = (text: string): number => {
  const m = /Submitted job (\d+)/.exec(text);
  assert.ok(m, `no job id in: ${text}`);
  return Number(m[1]);
};

describe('gflow mcp serve', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '2']);

  it('lists its tools, the mutating ones annotated as such', async () => {
    const a = await agent(sb.env);
    try {
      const { tools } = await a.client.listTools();
      const byName = new Map(tools.map((t) => [t.name, t]));
      for (const name of ['list_jobs', 'get_job', 'read_job_log', 'why_job_waits', 'gpu_info', 'queue_pressure', 'job_stats', 'preview_job']) {
        assert.equal(byName.get(name)?.annotations?.readOnlyHint, true, name);
      }
      for (const name of ['submit_job', 'cancel_jobs', 'hold_jobs', 'release_jobs', 'update_jobs', 'redo_job']) {
        assert.equal(byName.get(name)?.annotations?.readOnlyHint, false, name);
      }
      assert.equal(byName.get('cancel_jobs')?.annotations?.destructiveHint, true);
      // Statistics, as gflow stats gives them.
      const stats = await a.call('job_stats', { since: '7d' });
      assert.equal(stats.error, false, stats.text);
      assert.ok('total' in (JSON.parse(stats.text) as object));
      assert.match((await a.call('job_stats', { since: 'someday' })).text, /usage/);
      assert.equal(byName.get('submit_job')?.annotations?.destructiveHint, false);
      // The submit tool's options are gflow submit's, with its descriptions.
      const props = byName.get('submit_job')!.inputSchema.properties as Record<string, { description?: string }>;
      assert.match(props.gpus?.description ?? '', /whole GPUs the job needs/);
      assert.ok(props.dependsOn && props.array && props.param && !props.json && !props.dryRun);
    } finally {
      await a.close();
    }
  });

  it('submits a job and reads its log', async () => {
    const a = await agent(sb.env);
    try {
      const r = await a.call('submit_job', { command: ['bash', '-c', 'echo first line; echo second line'], name: 'from-agent', cwd: sb.dir });
      assert.equal(r.error, false, r.text);
      const id = submittedId(r.text);
      assert.equal((await sb.waitEnded(id)).state, 'finished');
      const log = await a.call('read_job_log', { job: String(id) });
      assert.equal(log.error, false, log.text);
      assert.match(log.text, /first line\nsecond line/);
      const last = await a.call('read_job_log', { job: '@', lines: 1 });
      assert.match(last.text, /second line/);
      assert.doesNotMatch(last.text, /first line/);
      const job = JSON.parse((await a.call('get_job', { job: String(id) })).text) as { name: string; cwd: string };
      assert.deepEqual([job.name, job.cwd], ['from-agent', sb.dir]);
    } finally {
      await a.close();
    }
  });

  it('submits a script file relative to cwd, and a sweep as one submission', async () => {
    const a = await agent(sb.env);
    try {
      fs.writeFileSync(path.join(sb.dir, 'job.sh'), '#!/bin/bash\n# GFLOW --name scripted\necho from script\n');
      const id = submittedId((await a.call('submit_job', { script: 'job.sh', cwd: sb.dir })).text);
      const job = await sb.waitEnded(id);
      assert.deepEqual([job.name, job.scriptPath, job.state], ['scripted', path.join(sb.dir, 'job.sh'), 'finished']);
      const sweep = await a.call('submit_job', { command: ['echo', 'lr={lr}'], param: ['lr=0.1,0.01'], nameTemplate: 'lr-{lr}' });
      assert.match(sweep.text, /Submitted jobs \d+-\d+ \(2 tasks\)/);
      const names = (JSON.parse(sweep.text.slice(sweep.text.indexOf('\n') + 1)) as { name: string }[]).map((j) => j.name);
      assert.deepEqual(names, ['lr-0.1', 'lr-0.01']);
      for (const j of await Promise.all([id + 1, id + 2].map((n) => sb.waitEnded(n)))) assert.equal(j.state, 'finished');
      assert.match((await a.call('read_job_log', { job: String(id + 2) })).text, /lr=0\.01/);
    } finally {
      await a.close();
    }
  });

  it('cancels another job', async () => {
    const a = await agent(sb.env);
    try {
      const id = submittedId((await a.call('submit_job', { command: 'sleep 300' })).text);
      await sb.waitFor(id, (j) => j.state === 'running');
      const r = await a.call('cancel_jobs', { jobs: String(id) });
      assert.equal(r.error, false, r.text);
      assert.equal((await sb.waitEnded(id)).state, 'cancelled');
      const list = await a.call('list_jobs', { all: true, states: 'CA' });
      assert.match(list.text, new RegExp(`"id": ${id},`));
    } finally {
      await a.close();
    }
  });

  it('checks inputs with the CLI\'s rules and answers errors as tool errors with the hint', async () => {
    const a = await agent(sb.env);
    try {
      const before = (await sb.ok('gflow', 'queue', '-a', '--json')).length;
      const badTime = await a.call('submit_job', { command: ['true'], time: 'soon' });
      assert.equal(badTime.error, true);
      assert.match(badTime.text, /^usage: .*soon/);
      assert.match(badTime.text, /\nhint: /);
      const badGpus = await a.call('submit_job', { command: ['true'], gpus: -1 });
      assert.match(badGpus.text, /gpus must be a whole number ≥ 0/);
      const typo = await a.call('submit_job', { command: ['pythn3', 'train.py'] });
      assert.match(typo.text, /'pythn3' is neither a file nor a command on PATH/);
      const both = await a.call('submit_job', { command: ['true'], gres: 'gpu:1', gpus: 1 });
      assert.match(both.text, /--gres and --gpus both ask for GPUs/);
      const unknown = await a.call('cancel_jobs', { jobs: '999' });
      assert.deepEqual([unknown.error, /not_found: job 999 does not exist/.test(unknown.text)], [true, true]);
      assert.equal((await sb.ok('gflow', 'queue', '-a', '--json')).length, before, 'nothing was submitted');
    } finally {
      await a.close();
    }
  });

  it('previews a script with directives without submitting it, then holds, updates and releases', async () => {
    const a = await agent(sb.env);
    try {
      const script = '#!/bin/bash\n# GFLOW --name from-directive\necho hi\n';
      const preview = await a.call('preview_job', { scriptText: script });
      assert.equal(preview.error, false, preview.text);
      assert.match(preview.text, /Would submit 1 job \(dry run: nothing was submitted\)/);
      assert.match(preview.text, /from-directive/);
      const id = submittedId((await a.call('submit_job', { scriptText: script, hold: true })).text);
      assert.equal((await sb.job(id)).state, 'hold');
      assert.equal((await a.call('update_jobs', { jobs: String(id), priority: 5, time: '10:00' })).error, false);
      const updated = await sb.job(id);
      assert.deepEqual([updated.name, updated.priority, updated.timeLimitSec], ['from-directive', 5, 600]);
      assert.match((await a.call('why_job_waits', { job: String(id) })).text, /held/);
      assert.equal((await a.call('release_jobs', { jobs: String(id) })).error, false);
      assert.equal((await sb.waitEnded(id)).state, 'finished');
      const redo = await a.call('redo_job', { job: String(id) });
      assert.equal(redo.error, false, redo.text);
      await sb.waitEnded(submittedId(redo.text));
    } finally {
      await a.close();
    }
  });

  it('says how to start the daemon when none runs', async () => {
    const idle = await Sandbox.create();
    const a = await agent(idle.env);
    try {
      const r = await a.call('list_jobs');
      assert.equal(r.error, true);
      assert.match(r.text, /^daemon_not_running: .*\nhint: .*gflowd up|^daemon_not_running: .*gflowd up/);
    } finally {
      await a.close();
      await idle.cleanup();
    }
  });
});

const users = testUsers(['gflowa', 'gflowb']);

describe('gflow mcp serve in shared mode', requiresUsers(users), () => {
  it("acts as the user who started it: another user's job is refused", async () => {
    const [ua, ub] = users!;
    const sb = await Sandbox.shared(users!);
    try {
      await sb.up('--cpus', '2');
      const submitted = await sb.as(ua!, ['submit', '--', 'sleep', '300']);
      const id = submittedId(submitted.stdout);
      const b = await agent(sb.userEnv(ub!), ub);
      try {
        const r = await b.call('cancel_jobs', { jobs: String(id) });
        assert.equal(r.error, true, r.text);
        assert.match(r.text, /forbidden/);
        const mine = await b.call('list_jobs', { mine: true });
        assert.match(mine.text, /^0 job\(s\)/);
      } finally {
        await b.close();
      }
      const a = await agent(sb.userEnv(ua!), ua);
      try {
        assert.equal((await a.call('cancel_jobs', { jobs: String(id) })).error, false);
      } finally {
        await a.close();
      }
      assert.equal((await sb.waitEnded(id)).state, 'cancelled');
    } finally {
      await sb.cleanup();
    }
  });
});
