// `gflow mcp serve`: a Model Context Protocol server on stdin/stdout for AI agents (src/mcp/).
import type { Command } from 'commander';
import { reportAndExit } from '../fail.js';

export function addMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('for AI agents: a Model Context Protocol server (docs/mcp.md)')
    .command('serve')
    .description('serve gflow\'s tools over stdio, acting as you; an MCP client (Claude, …) starts it')
    .action(async () => {
      try {
        const { ownCommand } = await import('./submit.js');
        await (await import('../../mcp/server.js')).serve(ownCommand);
      } catch (err) {
        reportAndExit(err);
      }
    });
}
