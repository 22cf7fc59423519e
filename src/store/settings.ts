// Daemon settings kept in the database (they survive restarts and reloads): JSON values by key.
import type { Db } from './db.js';
import { prepared } from './statements.js';

export class SettingsStore {
  constructor(private readonly db: Db) {}

  get<T>(key: string): T | undefined {
    const row = prepared(this.db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    prepared(this.db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    prepared(this.db, 'DELETE FROM settings WHERE key = ?').run(key);
  }
}
