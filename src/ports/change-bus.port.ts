/**
 * Change notices: after a projector commits, it announces what changed in its view so that the
 * realtime gateway can push it. NATS core subjects `changes.<prefix>.<view>.<key>` (one deployment's), or in-process.
 */
export interface ChangeNotice {
  view: string;
  key: string;
  type: string;
  data: Record<string, unknown>;
  position: number;
}

export interface ChangeBus {
  publish(changes: readonly ChangeNotice[]): void;
  /** `pattern` uses NATS wildcards over `<view>.<key>`: `tickets.*`, `>`. Returns an unsubscribe. */
  subscribe(pattern: string, onChange: (change: ChangeNotice) => void): () => void;
  close(): Promise<void>;
}

export const CHANGE_BUS = Symbol('ChangeBus');
