/** Change notices inside one process: embedded mode, where there is no NATS. */
import { EventEmitter } from 'node:events';
import type { ChangeBus, ChangeNotice } from '../../ports/change-bus.port';
import { subjectMatches } from './subject-matches';

export class InProcessChangeBus implements ChangeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(changes: readonly ChangeNotice[]): void {
    for (const change of changes) this.emitter.emit('change', change);
  }

  subscribe(pattern: string, onChange: (change: ChangeNotice) => void): () => void {
    const listener = (change: ChangeNotice) => {
      if (subjectMatches(pattern, `${change.view}.${change.key}`)) onChange(change);
    };
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
