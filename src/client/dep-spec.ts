// Dependencies as typed after -d / --depends-on-all / --depends-on-any, Slurm's way and
// gflow's: `12`, `3,5-7,@`, `afterany:12,afterok:13`, `afterok:12:13`, `aftercorr:@`,
// `singleton`. A plain id means afterok.
import { DEP_KINDS, type DepKind } from '../protocol/job.js';
import type { Client } from './client.js';
import { usage } from '../protocol/errors.js';
import { resolveJobIds } from './job-ref.js';

export interface DependencySpec {
  dependsOn: number[];
  dependsKinds: DepKind[];
  singleton: boolean;
}

/** The parts of a spec, before `@` and ranges are resolved. */
export function parseDependencySpec(text: string): { refs: { kind: DepKind; ref: string }[]; singleton: boolean } {
  const refs: { kind: DepKind; ref: string }[] = [];
  let singleton = false;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'singleton') {
      singleton = true;
      continue;
    }
    const m = /^([a-z]+):(.*)$/.exec(part);
    if (!m) {
      refs.push({ kind: 'afterok', ref: part });
      continue;
    }
    const kind = m[1] as DepKind;
    if (!(DEP_KINDS as readonly string[]).includes(kind)) throw usage(`unknown dependency kind '${m[1]}' in '${text}'`, `use ${DEP_KINDS.join(', ')} or singleton, e.g. -d afterany:12,afterok:13`);
    const ids = m[2]!.split(':').filter(Boolean);
    if (ids.length === 0) throw usage(`'${part}' names no job`, `e.g. ${kind}:12 or ${kind}:@`);
    for (const ref of ids) refs.push({ kind, ref });
  }
  if (refs.length === 0 && !singleton) throw usage(`no job in '${text}'`, 'give job ids, @ or @~N, optionally with a kind: afterany:12');
  return { refs, singleton };
}

/** Resolves a spec: each part's ids in order, once each (the first kind given wins). */
export async function resolveDependencySpec(client: Client, text: string): Promise<DependencySpec> {
  const { refs, singleton } = parseDependencySpec(text);
  const out: DependencySpec = { dependsOn: [], dependsKinds: [], singleton };
  for (const { kind, ref } of refs) {
    for (const id of await resolveJobIds(client, ref)) {
      if (out.dependsOn.includes(id)) continue;
      out.dependsOn.push(id);
      out.dependsKinds.push(kind);
    }
  }
  return out;
}
