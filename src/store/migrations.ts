// Numbered schema migrations. The schema version is SQLite's `user_version`.
// Rules: never edit a released migration; add a new one. Migrations are additive (new
// tables, new columns with defaults) so that an older daemon still running during a
// reload keeps working on the migrated file.
import { EARLY_MIGRATIONS, type Migration } from './migrations-early.js';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [
  ...EARLY_MIGRATIONS,
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
  {
    version: 17,
    description: 'notifications: pending deliveries by owner, for a fair share of the delivery slots',
    // The sender takes each owner's oldest due deliveries in turn (src/store/outbox.ts
    // claimDue): with this index, one seek per owner instead of a walk past a flood.
    sql: `CREATE INDEX outbox_owner_due ON outbox(uid, next_at) WHERE state = 'pending';`,
  },
  {
    version: 18,
    description: "a job's process is known by its pid and its start time: a reused pid is never taken for it",
    sql: `ALTER TABLE jobs ADD COLUMN pid_start TEXT;  -- /proc/<pid>/stat field 22 of the job's main process`,
  },
  {
    version: 19,
    description: 'files of removed jobs still to be removed, written with the removal of their records',
    // What removing a job's files needs (src/store/job-history.ts EndedRef), in the jobs table's
    // columns: a clean cut off (kill -9) before the files went is finished by the next daemon.
    sql: `
      CREATE TABLE file_removals (
        id             INTEGER PRIMARY KEY,  -- the removed job's id
        uid            INTEGER,
        session        TEXT,
        session_closed INTEGER NOT NULL DEFAULT 0,
        attempts       TEXT,
        script         TEXT
      );
    `,
  },
  {
    version: 20,
    description: 'the boot of the machine a job ran in: after a reboot it is recorded as ended by it, and its old pid is never taken for it',
    sql: `ALTER TABLE jobs ADD COLUMN boot_id TEXT;  -- /proc/sys/kernel/random/boot_id while the job ran`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
