/**
 * A command decided over several streams, whose changes are appended all or nothing
 * (CommandRunner.runMany): a sync push, say, touching many projects and tasks at once. The runner
 * calls `read`, then, unless the streams read show the command ran before, `decide`; a concurrent
 * append to any stream it changes means calling both again, a bounded number of times.
 */
import type { StreamChange, StreamReads } from './stream-reads';

export interface StreamsCommand<Read> {
  /** The command's type: its span is `command <type>`, and it is counted under it. */
  type: string;
  /**
   * Keys of the in-process lanes it takes turns in: the streams it knows it will touch before
   * reading, and any other key (a user's pushes, say). Streams found only while reading are
   * guarded by their expected revisions alone.
   */
  lanes: readonly string[];
  /** Folds the streams deciding needs, through `streams` (which remembers each one's revision). Must not run commands. */
  read(streams: StreamReads): Promise<Read>;
  /** The changes to append, each from a stream read (StreamRead.change); may check views first and refuse with a DomainError. */
  decide(read: Read): Promise<readonly StreamChange[]> | readonly StreamChange[];
}
