// `gflow mcp serve`: gflow's tools for AI agents over the Model Context Protocol (stdio). The
// server is a gflow client like the CLI: the same daemon lookup, token and kernel identity —
// it acts as the user who started it — and the same checks, so an agent can do what that
// user can do with gflow, no more. Stdout carries the protocol: nothing else may write there.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { SubmitPlace } from '../client/submission.js';
import { packageVersion } from '../version.js';
import { registerActionTools } from './tools/act.js';
import { registerReadTools } from './tools/read.js';
import { registerSubmitTools } from './tools/submit.js';

const INSTRUCTIONS = `gflow queues jobs on this machine and runs each in its own tmux session when its CPUs, GPUs, memory and dependencies allow, as Slurm does on a cluster.
Jobs are named by id; @ is your last submission and @~N the N-th last (an array or sweep is one submission). Lists of ids look like 1,3,5-9.
Before submitting, preview_job says whether a job could start now; why_job_waits explains a waiting job; read_job_log shows a job's output.
Errors come back with a hint that says what to do next.`;

/** `ownCommand`: the gflow command a mistyped program word meant (the CLI, which starts us, knows its commands). */
export function mcpServer(ownCommand?: SubmitPlace['ownCommand']): McpServer {
  const server = new McpServer({ name: 'gflow', version: packageVersion() }, { instructions: INSTRUCTIONS });
  registerReadTools(server);
  registerSubmitTools(server, ownCommand);
  registerActionTools(server);
  return server;
}

export async function serve(ownCommand?: SubmitPlace['ownCommand']): Promise<void> {
  if (process.stdin.isTTY) process.stderr.write('gflow mcp serve speaks the Model Context Protocol on stdin/stdout: an MCP client starts it (docs/mcp.md). Ctrl-D ends it.\n');
  const server = mcpServer(ownCommand);
  const transport = new StdioServerTransport();
  // The client ends the session by closing our stdin.
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    transport.onclose = resolve;
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
