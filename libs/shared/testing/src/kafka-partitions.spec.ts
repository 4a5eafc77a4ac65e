import { keysCoveringPartitions, partitionOfKey } from './kafka-partitions';

describe('partitionOfKey', () => {
  it("agrees with kafkajs's default partitioner (values taken from it)", () => {
    expect(['pay_x', 'constructor', 'ünïcødé', 'abc', 'k1x'].map((key) => partitionOfKey(key, 6))).toEqual([5, 0, 2, 3, 3]);
  });

  it('covers every partition with one key each', () => {
    const keys = keysCoveringPartitions('sub_', 6);
    expect(keys.map((key) => partitionOfKey(key, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(keys.every((key) => key.startsWith('sub_'))).toBe(true);
  });
});
