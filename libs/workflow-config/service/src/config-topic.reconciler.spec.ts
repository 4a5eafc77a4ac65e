import { configTopicRepairs } from './config-topic.reconciler';

const map = <V>(entries: [string, V][]) => new Map(entries);

describe('configTopicRepairs', () => {
  it('republishes everything when the topic holds nothing: a purged topic or a fresh broker', () => {
    expect(configTopicRepairs(map([['wf_b', 2], ['wf_a', 1]]), new Map(), new Set())).toEqual({ republish: ['wf_a', 'wf_b'], tombstone: [] });
  });

  it('asks nothing of a topic in step, or ahead with changes made since the snapshot', () => {
    expect(configTopicRepairs(map([['wf_a', 1], ['wf_b', 2]]), map([['wf_a', 1], ['wf_b', 3], ['wf_gone', null]]), new Set())).toEqual({ republish: [], tombstone: [] });
  });

  it('republishes a workflow the topic lacks, holds deleted, or holds at an older version', () => {
    const database = map([['wf_lost', 1], ['wf_tombstoned', 2], ['wf_old', 5], ['wf_ok', 1]]);
    const topic = map<number | null>([['wf_tombstoned', null], ['wf_old', 4], ['wf_ok', 1]]);
    expect(configTopicRepairs(database, topic, new Set())).toEqual({ republish: ['wf_lost', 'wf_old', 'wf_tombstoned'], tombstone: [] });
  });

  it('tombstones a state on the topic the database does not hold (a restored database, a tombstone lost)', () => {
    expect(configTopicRepairs(map([['wf_a', 1]]), map([['wf_a', 1], ['wf_stray', 3]]), new Set())).toEqual({ republish: [], tombstone: ['wf_stray'] });
  });

  it('leaves settled workflows alone: a change still in the outbox, or one that can never be published', () => {
    const database = map([['wf_pending', 2], ['wf_refused', 3]]);
    const topic = map<number | null>([['wf_refused', 2], ['wf_pending_delete', 1]]);
    expect(configTopicRepairs(database, topic, new Set(['wf_pending', 'wf_refused', 'wf_pending_delete']))).toEqual({ republish: [], tombstone: [] });
  });
});
