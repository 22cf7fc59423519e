// Versions of everything that crosses a process boundary.
// PROTOCOL_VERSION: the HTTP API between the CLI and the daemon (and between two daemons
// during a reload). Bump it on any incompatible change of a route or a wire type.
// 2: jobs carry uid, project, memory, dependency kinds …; `why` answers the planner's structured
// reasons; `resolve` answers a whole submission; a shared daemon needs no token.
export const PROTOCOL_VERSION = 2;

// The tmux session the daemon lives in.
export const SERVER_SESSION = 'gflow_server';

export const DEFAULT_PORT = 59000;
export const DEFAULT_HOST = '127.0.0.1';
