// Which members of a cluster run a vassal: rendezvous (highest random weight)
// hashing. Each member eligible for the vassal (its id matches `hosts`, it
// carries every label of `labels`) gets a score hash(vassal, member); the
// `instances` highest win (default: every eligible member). Every emperor
// computes the same answer from the same membership, with no coordinator, and
// a member leaving or joining moves only the vassals it wins or loses (about
// 1/N of them), never the rest. Pure: no Node API.
import { globToRegExp } from '../glob-pattern.js';
import type { VassalAttributes } from '../vassal-attributes.js';

/** What placement needs to know of a member (see member-record.ts for the rest). */
export interface PlacementMember {
  readonly id: string;
  readonly labels: readonly string[];
}

/** The placement attributes of a vassal (a subset of its [emperor] section). */
export type PlacementAttributes = Pick<VassalAttributes, 'instances' | 'hosts' | 'labels'>;

/** The ids of the members that run `vassal`, best score first; empty when no member is eligible. */
export function assignMembers(vassal: string, attrs: PlacementAttributes, members: readonly PlacementMember[]): string[] {
  const eligible = members.filter((member) => isEligible(member, attrs));
  const ranked = eligible
    .map((member) => ({ id: member.id, score: rendezvousScore(vassal, member.id) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const wanted = attrs.instances ?? ranked.length;
  return ranked.slice(0, wanted).map((entry) => entry.id);
}

/** Whether `member` may run a vassal with `attrs`: its id matches the `hosts` glob and it has every label asked for. */
export function isEligible(member: PlacementMember, attrs: PlacementAttributes): boolean {
  if (attrs.hosts !== undefined && !hostsPattern(attrs.hosts).test(member.id)) return false;
  return (attrs.labels ?? []).every((label) => member.labels.includes(label));
}

const patterns = new Map<string, RegExp>();

/** Compiled once per distinct glob (a cluster has few). */
function hostsPattern(glob: string): RegExp {
  let pattern = patterns.get(glob);
  if (pattern === undefined) {
    pattern = globToRegExp(glob);
    if (patterns.size > 1_000) patterns.clear();
    patterns.set(glob, pattern);
  }
  return pattern;
}

/** The vassal's weight on a member: 53 well-mixed bits of the pair, the same on every machine. */
export function rendezvousScore(vassal: string, member: string): number {
  return hash53(`${vassal}\u0000${member}`);
}

/**
 * A 53-bit string hash: two 32-bit lanes, each multiplied and rotated per
 * UTF-16 unit, then avalanche-mixed (the finaliser of MurmurHash3) so that
 * pairs differing in one character score independently.
 */
function hash53(text: string): number {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x9e3779b1);
    b = Math.imul(b ^ unit, 0x5f356495);
    a = (a << 13) | (a >>> 19);
    b = (b << 17) | (b >>> 15);
  }
  a = fmix32(a ^ Math.imul(b, 0x85ebca6b));
  b = fmix32(b ^ Math.imul(a, 0xc2b2ae35));
  return (b >>> 0) * 0x200000 + ((a >>> 0) >>> 11);
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
