// Schema migrations 1 to 10 (src/store/migrations.ts has the rules, and the later ones).

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const EARLY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs table',
    sql: `
      CREATE TABLE jobs (
        id             INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused
        name           TEXT,
        user           TEXT    NOT NULL,
        command        TEXT,             -- JSON argv, or NULL for a script job
        script         TEXT,             -- absolute path, or NULL for a command job
        cwd            TEXT    NOT NULL,
        env            TEXT    NOT NULL, -- JSON object: the submitter's environment
        priority       INTEGER NOT NULL DEFAULT 0,
        cpus           INTEGER NOT NULL DEFAULT 1,
        time_limit_sec INTEGER,
        state          TEXT    NOT NULL,
        reason         TEXT,
        submitted_at   INTEGER NOT NULL, -- ms since the epoch
        started_at     INTEGER,
        finished_at    INTEGER,
        exit_code      INTEGER,
        signal         TEXT,
        ended_by       TEXT,
        session        TEXT,
        pid            INTEGER,
        token          TEXT    NOT NULL  -- marks every process of the job (GFLOW_JOB_TOKEN)
      );
      CREATE INDEX jobs_by_state ON jobs(state, priority DESC, id);
      CREATE INDEX jobs_by_user ON jobs(user, id DESC);
    `,
  },
  {
    version: 2,
    description: 'stop requests and idempotency keys',
    sql: `
      ALTER TABLE jobs ADD COLUMN stop_request TEXT;          -- 'cancel' | 'timeout' while stopping
      ALTER TABLE jobs ADD COLUMN stop_requested_at INTEGER;
      ALTER TABLE jobs ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0; -- SIGKILL was needed
      ALTER TABLE jobs ADD COLUMN session_closed INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE idempotency (
        key        TEXT PRIMARY KEY,
        response   TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'scheduling lease: only the daemon holding it starts, ends and stops jobs',
    sql: `
      CREATE TABLE leader (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        pid         INTEGER NOT NULL,
        start_time  TEXT    NOT NULL, -- from /proc/<pid>/stat: a reused PID does not hold the lease
        acquired_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: 'GPUs, dependencies, arrays and sweeps, retries, begin times, daemon settings',
    sql: `
      ALTER TABLE jobs ADD COLUMN gpus INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN gpu_shared INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN gpu_memory_mb INTEGER;        -- declared memory of a shared job
      ALTER TABLE jobs ADD COLUMN gpu_ids TEXT;                 -- JSON array, set at start
      ALTER TABLE jobs ADD COLUMN depends_on TEXT;              -- JSON array of job ids
      ALTER TABLE jobs ADD COLUMN depends_mode TEXT NOT NULL DEFAULT 'all'; -- 'all' | 'any'
      ALTER TABLE jobs ADD COLUMN auto_cancel INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE jobs ADD COLUMN group_id TEXT;                -- an array or sweep
      ALTER TABLE jobs ADD COLUMN max_concurrent INTEGER;       -- running cap for the group
      ALTER TABLE jobs ADD COLUMN array_task_id INTEGER;
      ALTER TABLE jobs ADD COLUMN params TEXT;                  -- JSON object of a sweep point
      ALTER TABLE jobs ADD COLUMN max_retries INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN retry_on_timeout INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN retried_from INTEGER;
      ALTER TABLE jobs ADD COLUMN redone_from INTEGER;
      ALTER TABLE jobs ADD COLUMN begin_at INTEGER;             -- ms since the epoch
      CREATE INDEX jobs_by_group ON jobs(group_id) WHERE group_id IS NOT NULL;
      CREATE INDEX jobs_by_retry ON jobs(retried_from) WHERE retried_from IS NOT NULL;
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,  -- 'allowed_gpus', 'ignored_gpu_pids'
        value TEXT NOT NULL      -- JSON
      );
    `,
  },
  {
    version: 5,
    description: 'which failed dependency cancelled a job (redo --cascade follows it)',
    sql: `
      ALTER TABLE jobs ADD COLUMN cancelled_by INTEGER;
      UPDATE jobs SET cancelled_by = CAST(substr(reason, 12) AS INTEGER)
        WHERE state = 'cancelled' AND reason LIKE 'dependency % failed';
      CREATE INDEX jobs_by_cancelled_by ON jobs(cancelled_by) WHERE cancelled_by IS NOT NULL;
    `,
  },
  {
    version: 6,
    description: "jobs' owners by UID, and projects",
    sql: `
      ALTER TABLE jobs ADD COLUMN uid INTEGER;      -- the owner, as the kernel identified the submitter
      ALTER TABLE jobs ADD COLUMN project TEXT;     -- -P/--project
      CREATE INDEX jobs_by_uid ON jobs(uid, id DESC);
    `,
  },
  {
    version: 7,
    description: 'sharing a machine: --mem, fair-share usage, quotas, reservations',
    sql: `
      ALTER TABLE jobs ADD COLUMN mem_mb INTEGER;   -- --mem: declared host memory
      CREATE TABLE usage (
        user      TEXT PRIMARY KEY,
        cpu_hours REAL    NOT NULL,  -- decayed to 'at' (src/core/fair-share.ts)
        gpu_hours REAL    NOT NULL,
        at        INTEGER NOT NULL,  -- ms since the epoch
        jobs      INTEGER NOT NULL   -- ended jobs counted, ever
      );
      CREATE TABLE quotas (
        scope       TEXT NOT NULL CHECK (scope IN ('user', 'project', 'default')),
        name        TEXT NOT NULL,  -- '' for the default
        max_running INTEGER,        -- NULL: no limit
        max_gpus    INTEGER,
        max_queued  INTEGER,
        PRIMARY KEY (scope, name)
      );
      CREATE TABLE reservations (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        user       TEXT    NOT NULL,
        gpus       INTEGER,          -- counted: N GPUs; NULL when pinned
        gpu_ids    TEXT,             -- pinned: JSON array of GPU indices; NULL when counted
        start_at   INTEGER NOT NULL, -- ms since the epoch; the window is [start_at, end_at)
        end_at     INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        cancelled_at INTEGER         -- kept for the record; a cancelled one holds nothing
      );
      CREATE INDEX reservations_by_end ON reservations(end_at) WHERE cancelled_at IS NULL;
    `,
  },
  {
    version: 8,
    description: 'research workflow: dependency kinds, singleton, output files, conda, auto-close, warning signals, requeue',
    sql: `
      ALTER TABLE jobs ADD COLUMN depends_kinds TEXT;  -- JSON array parallel to depends_on; NULL: all afterok
      ALTER TABLE jobs ADD COLUMN singleton INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN output_path TEXT;    -- -o/--output pattern
      ALTER TABLE jobs ADD COLUMN error_path TEXT;     -- --error pattern
      ALTER TABLE jobs ADD COLUMN conda_env TEXT;      -- --conda-env
      ALTER TABLE jobs ADD COLUMN auto_close INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN warn_signal TEXT;        -- --signal SIG@SECONDS
      ALTER TABLE jobs ADD COLUMN warn_before_sec INTEGER;
      ALTER TABLE jobs ADD COLUMN requeue INTEGER NOT NULL DEFAULT 0;  -- --requeue
      ALTER TABLE jobs ADD COLUMN attempts TEXT;        -- JSON array of earlier runs; NULL: none
      CREATE INDEX jobs_by_user_name ON jobs(user, name) WHERE name IS NOT NULL;
    `,
  },
  {
    version: 9,
    description: "a script's submitted path, kept for display: the job runs the copy taken at submit",
    sql: `
      ALTER TABLE jobs ADD COLUMN script_path TEXT;  -- the file given to gflow submit; NULL: none (a command, stdin)
    `,
  },
  {
    version: 10,
    description: 'the event stream: every change, written in the transaction that makes it',
    sql: `
      CREATE TABLE events (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a client resumes after the last id it saw
        at     INTEGER NOT NULL,                   -- ms since the epoch
        type   TEXT    NOT NULL,                   -- src/protocol/events.ts
        job_id INTEGER,                            -- for job events (no foreign key: events outlive cleaned jobs)
        data   TEXT    NOT NULL                    -- JSON
      );
      CREATE INDEX events_by_job ON events(job_id, id) WHERE job_id IS NOT NULL;
      CREATE INDEX events_by_time ON events(at);
    `,
  },
];
