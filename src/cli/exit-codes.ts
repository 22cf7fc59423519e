// The exit codes of gflow and gflowd that scripts tell apart (docs/exit-codes.md lists them all).

/** Something asked for failed: a job that did not finish, an unknown job, no daemon. */
export const EXIT_FAILED = 1;
/** The command line itself is wrong (commander's usage errors, our own `usage`). */
export const EXIT_USAGE = 2;
/** A wait's own deadline came first (`gflow wait --timeout`); as timeout(1) says it. */
export const EXIT_TIMEOUT = 124;
