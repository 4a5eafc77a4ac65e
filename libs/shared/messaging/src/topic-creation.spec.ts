import { Topics } from '@hookstream/contracts';
import { partitionsOf, topicCreationRequest, topicDrift } from './topic-creation';

describe('topic creation settings', () => {
  it('leaves replicas and min.insync.replicas to the cluster when unset, partitions to the registry', () => {
    expect(topicCreationRequest(Topics.deliveryJobs, 'p_matcher.job.scheduled.v1')).toEqual({
      topic: 'p_matcher.job.scheduled.v1',
      numPartitions: Topics.deliveryJobs.partitions,
      replicationFactor: -1,
      configEntries: [],
    });
  });

  it('creates with the deployment replicas, a topic-level min.insync.replicas and the topic settings of the registry', () => {
    const request = topicCreationRequest(Topics.workflowConfig, 'config.workflow.changed.v1', { replicationFactor: 3, minInsyncReplicas: 2 });
    expect(request.replicationFactor).toBe(3);
    expect(request.configEntries).toEqual([
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.insync.replicas', value: '2' },
    ]);
  });

  it('overrides partitions by the topic name without prefix, and only for the topics named', () => {
    const partitions = new Map([[Topics.events.name, 24]]);
    expect(partitionsOf(Topics.events, { partitions })).toBe(24);
    expect(topicCreationRequest(Topics.events, `t1_${Topics.events.name}`, { partitions }).numPartitions).toBe(24);
    expect(partitionsOf(Topics.deliveryJobs, { partitions })).toBe(Topics.deliveryJobs.partitions);
  });

  it('names what an existing topic lacks: fewer replicas than wanted, another partition count', () => {
    const creation = { replicationFactor: 3, partitions: new Map([[Topics.events.name, 12]]) };
    expect(topicDrift(Topics.events, creation, { partitions: 12, replicas: 3 })).toBeUndefined();
    expect(topicDrift(Topics.events, creation, { partitions: 6, replicas: 1 })).toBe('has 6 partitions, not 12 and has 1 replica(s), fewer than KAFKA_REPLICATION_FACTOR=3');
    // Without a replication factor the cluster chose: nothing to compare with.
    expect(topicDrift(Topics.events, {}, { partitions: 6, replicas: 1 })).toBeUndefined();
  });
});
