// `gflow mcp serve`: a Model Context Protocol server on stdin/stdout for AI agents (src/mcp/).
import type { Command } from 'commander';
import { reportAndExit } from '../fail.js';

/** `ownCommand`: which gflow or gflowd command a word names, for the submit tools' hint (gflow.ts). */
export function addMcpCommand(program: Command, ownCommand: (word: string) => Promise<string | undefined>): void {
  program
    .command('mcp')
    .description('for AI agents: a Model Context Protocol server (docs/mcp.md)')
    .command('serve')
    .description('serve gflow\'s tools over stdio, acting as you; an MCP client (Claude, …) starts it')
    .action(async () => {
      try {
        await (await import('../../mcp/server.js')).serve(ownCommand);
      } catch (err) {
        reportAndExit(err);
      }
    });
}
