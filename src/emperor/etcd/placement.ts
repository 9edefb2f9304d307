// Which of the cluster's vassals this emperor runs. The etcd source asks
// isMine() for every vassal key it sees (not for keys pinned to this host,
// which are always its own), and asks again for every known key whenever
// onChange fires: newly mine are started, no longer mine are stopped.
import type { VassalAttributes } from '../vassal-attributes.js';

/** Decides, for this emperor, which vassals of PREFIX/vassals/ it runs. */
export interface Placement {
  /** `name`: the key below PREFIX/vassals/ (e.g. app.ini); `attrs`: the value's own [emperor] section */
  isMine(name: string, attrs: VassalAttributes): boolean;
  /** the answer of isMine() may have changed for some names (membership moved) */
  onChange(listener: () => void): void;
}

/** The default without membership: every vassal runs on every emperor that watches the prefix. */
export const everyMember: Placement = Object.freeze({
  isMine: () => true,
  onChange: () => undefined,
});
