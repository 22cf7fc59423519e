// The reference pages of both programs and where they live (see reference.ts).
import { gflowProgram } from './gflow.js';
import { gflowdProgram } from './gflowd.js';
import { referencePage } from './reference.js';

/** docs/reference/<program>.md → its text */
export function referencePages(): Record<string, string> {
  return {
    'docs/reference/gflow.md': referencePage(gflowProgram(), 'Every `gflow` command: submitting, watching and managing jobs, and talking to the daemon.'),
    'docs/reference/gflowd.md': referencePage(gflowdProgram(), 'Every `gflowd` command: starting, stopping, reloading and checking the daemon, and its service.'),
  };
}
