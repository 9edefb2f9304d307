// What an emperor says about itself under PREFIX/members/HOST-ID: the labels
// placement matches a vassal's `labels` against, and its capacity (logical
// CPUs and total memory, shown to operators; placement does not weigh them,
// so that a host's load never moves vassals). Pure: the figures are passed in.
import type { PlacementMember } from './assign.js';
import { HOST_ID_PATTERN } from './etcd-settings.js';
import { jsonObject } from './json-object.js';

/** The member key's JSON value. */
export interface MemberRecord extends PlacementMember {
  readonly id: string;
  readonly labels: readonly string[];
  readonly capacity: { readonly cpus: number; readonly memory_bytes: number };
  /** the emperor's pid on its host, for an operator's look */
  readonly pid: number;
  /** epoch ms the emperor registered */
  readonly started_at: number;
}


/** The member key of `hostId` under `prefix` (which ends with '/'). */
export function memberKey(prefix: string, hostId: string): string {
  return `${prefix}members/${hostId}`;
}

/** The member's record from its key and value; null when either is not one an emperor writes. */
export function parseMemberRecord(prefix: string, key: string, value: string): MemberRecord | null {
  const id = key.startsWith(`${prefix}members/`) ? key.slice(prefix.length + 'members/'.length) : '';
  if (!HOST_ID_PATTERN.test(id) || value.length > 64 * 1024) return null;
  const record = jsonObject(value);
  if (record === null) return null;
  const labels = record.labels;
  if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) return null;
  const capacity = (record.capacity ?? {}) as Record<string, unknown>;
  return Object.freeze({
    id,
    labels: Object.freeze([...labels] as string[]),
    capacity: Object.freeze({ cpus: numberOr0(capacity.cpus), memory_bytes: numberOr0(capacity.memory_bytes) }),
    pid: numberOr0(record.pid),
    started_at: numberOr0(record.started_at),
  });
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
