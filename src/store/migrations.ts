// Numbered schema migrations. The schema version is SQLite's `user_version`.
// Rules: never edit a released migration; add a new one. Migrations are additive (new
// tables, new columns with defaults) so that an older daemon still running during a
// reload keeps working on the migrated file.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
  {
    version: 11,
    description: 'notifications: per-job addresses, standing rules, and the outbox written with each change',
    sql: `
      ALTER TABLE jobs ADD COLUMN notify_on TEXT;   -- JSON array of start|end|fail|timeout|cancel; NULL: every end
      ALTER TABLE jobs ADD COLUMN mail_user TEXT;   -- --mail-user / --notify-email
      CREATE TABLE notify_rules (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        uid        INTEGER NOT NULL,  -- the owner: sees only their jobs; a command runs as them
        user       TEXT    NOT NULL,
        channel    TEXT    NOT NULL,  -- webhook | command | email
        target     TEXT    NOT NULL,  -- URL, shell command, address
        events     TEXT    NOT NULL,  -- JSON array of notify events
        headers    TEXT,              -- JSON object (webhook); values are secrets
        all_users  INTEGER NOT NULL DEFAULT 0, -- an admin's rule for every user's jobs
        created_at INTEGER NOT NULL
      );
      CREATE TABLE outbox (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        key        TEXT    NOT NULL UNIQUE,  -- sent with every attempt: receivers drop repeats
        event_id   INTEGER,                  -- NULL: a test
        rule_id    INTEGER,                  -- NULL: a job's own --mail-user
        job_id     INTEGER,
        uid        INTEGER,                  -- whose delivery (a command runs as them)
        user       TEXT    NOT NULL,
        channel    TEXT    NOT NULL,
        target     TEXT    NOT NULL,
        headers    TEXT,
        payload    TEXT    NOT NULL,         -- JSON: src/protocol/notify.ts Notification
        state      TEXT    NOT NULL DEFAULT 'pending', -- pending | delivered | failed
        attempts   INTEGER NOT NULL DEFAULT 0,
        next_at    INTEGER NOT NULL,         -- ms since the epoch; while sending: when the claim lapses
        claimed_by INTEGER,                  -- pid of the daemon sending it now
        last_error TEXT,
        created_at INTEGER NOT NULL,
        done_at    INTEGER
      );
      CREATE INDEX outbox_due ON outbox(next_at) WHERE state = 'pending';
      CREATE INDEX outbox_by_state ON outbox(state, id);
    `,
  },
  {
    version: 12,
    description: 'web dashboard: login codes and browser sessions (hashed), and minute samples for its charts',
    sql: `
      CREATE TABLE ui_sessions (
        hash       TEXT    PRIMARY KEY,  -- SHA-256 of the secret; the secret itself is never stored
        kind       TEXT    NOT NULL,     -- 'code' (one-time login code) | 'session' (browser cookie)
        uid        INTEGER NOT NULL,     -- who the browser acts as
        user       TEXT    NOT NULL,
        admin      INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX ui_sessions_by_expiry ON ui_sessions(expires_at);
      CREATE TABLE samples (
        at      INTEGER PRIMARY KEY,     -- ms since the epoch
        running INTEGER NOT NULL,
        queued  INTEGER NOT NULL,        -- waiting: queued and held
        gpus    TEXT    NOT NULL         -- JSON [{ index, util, memUsedMb, memTotalMb }]
      );
    `,
  },
  {
    version: 13,
    description: 'jobs handed to Slurm (executor slurm): their Slurm job id and node',
    sql: `
      ALTER TABLE jobs ADD COLUMN slurm_id INTEGER;  -- NULL: not a Slurm job, or not submitted yet
      ALTER TABLE jobs ADD COLUMN node TEXT;         -- the node it runs on; NULL while it waits
    `,
  },
  {
    version: 14,
    description: '`gflow stats`: ended jobs by end time, covering what the figures read',
    sql: `
      CREATE INDEX jobs_ended ON jobs(user, project, state, finished_at, submitted_at, started_at, gpus, cpus) WHERE finished_at IS NOT NULL;
    `,
  },
  {
    version: 15,
    description: 'environments stored once (jobs.env may hold env:<hash>), with their references counted',
    // A daemon of schema 14 reads env as JSON: the new daemon writes references only once it
    // leads, when the old one of a reload has handed over (src/store/jobs.ts).
    sql: `
      CREATE TABLE job_envs (
        hash TEXT PRIMARY KEY,
        body TEXT NOT NULL,              -- JSON object
        refs INTEGER NOT NULL DEFAULT 0  -- job rows whose env is 'env:' || hash
      ) WITHOUT ROWID;
      CREATE TRIGGER job_envs_insert AFTER INSERT ON jobs WHEN substr(new.env, 1, 4) = 'env:' BEGIN
        UPDATE job_envs SET refs = refs + 1 WHERE hash = substr(new.env, 5);
      END;
      CREATE TRIGGER job_envs_update AFTER UPDATE OF env ON jobs WHEN old.env IS NOT new.env BEGIN
        UPDATE job_envs SET refs = refs + 1 WHERE substr(new.env, 1, 4) = 'env:' AND hash = substr(new.env, 5);
        UPDATE job_envs SET refs = refs - 1 WHERE substr(old.env, 1, 4) = 'env:' AND hash = substr(old.env, 5);
        DELETE FROM job_envs WHERE substr(old.env, 1, 4) = 'env:' AND hash = substr(old.env, 5) AND refs <= 0;
      END;
      CREATE TRIGGER job_envs_delete AFTER DELETE ON jobs WHEN substr(old.env, 1, 4) = 'env:' BEGIN
        UPDATE job_envs SET refs = refs - 1 WHERE hash = substr(old.env, 5);
        DELETE FROM job_envs WHERE hash = substr(old.env, 5) AND refs <= 0;
      END;
    `,
  },
  {
    version: 16,
    description: '--max-log: how much of its output a job\'s log keeps',
    sql: `ALTER TABLE jobs ADD COLUMN max_log_bytes INTEGER;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
