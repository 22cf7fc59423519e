// The policy tables of one database (usage, quotas, reservations), opened once per connection.
import type { Db } from './db.js';
import { QuotaStore } from './quotas.js';
import { ReservationStore } from './reservations.js';
import { UsageStore } from './usage.js';

export interface PolicyStores {
  usage: UsageStore;
  quotas: QuotaStore;
  reservations: ReservationStore;
}

const byDb = new WeakMap<Db, PolicyStores>();

export function policyStores(db: Db): PolicyStores {
  let s = byDb.get(db);
  if (!s) byDb.set(db, (s = { usage: new UsageStore(db), quotas: new QuotaStore(db), reservations: new ReservationStore(db) }));
  return s;
}
