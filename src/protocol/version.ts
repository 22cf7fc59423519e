// Versions of everything that crosses a process boundary.
// PROTOCOL_VERSION: the HTTP API between the CLI and the daemon (and between two daemons
// during a reload). Bump it on any incompatible change of a route or a wire type.
export const PROTOCOL_VERSION = 1;

// The tmux session the daemon lives in.
export const SERVER_SESSION = 'gflow_server';

export const DEFAULT_PORT = 59000;
export const DEFAULT_HOST = '127.0.0.1';
