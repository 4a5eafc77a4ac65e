import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { InvalidOutgoingMessageError } from '@hookstream/messaging';
import { sampleWorkflowState } from '@hookstream/testing';
import { stamp } from '@hookstream/workflow-definition';
import { kafkaRefusal, outboxVerdict } from './outbox.relay';

/** What kafkajs throws for a broker error code (10: MESSAGE_TOO_LARGE, 7: REQUEST_TIMED_OUT). */
const protocolError = (code: number) =>
  // kafkajs builds them from its error table's entries; its typings only admit a message.
  new KafkaJSProtocolError({ type: code === 10 ? 'MESSAGE_TOO_LARGE' : 'REQUEST_TIMED_OUT', code, retriable: code !== 10, message: 'broker says no' } as unknown as Error);

describe('outbox relay decisions', () => {
  it('publishes tombstones and states within the contract, with their events', () => {
    const state = sampleWorkflowState();
    const [created] = stamp([{ type: 'workflow.created', data: { name: state.name, active: true, conditions: state.conditions, actions: state.actions, subscription: null } }], undefined, {
      workflow_id: state.id,
      tenant_id: state.tenant_id,
      actor: { type: 'api_key', id: 'key_1' },
      request_id: 'req-1',
      now: new Date('2026-12-01T10:00:00.000Z'),
    });
    expect(outboxVerdict({ state: null, events: [] })).toEqual({ publishable: true, events: [], state: null });
    expect(outboxVerdict({ state, events: [] })).toEqual({ publishable: true, events: [], state });
    expect(outboxVerdict({ state, events: [created] })).toEqual({ publishable: true, events: [created], state });
  });

  it('dead-letters a state outside the contract, naming why', () => {
    const state = sampleWorkflowState();
    state.actions[0].retry_policy = [300_000_000_000_000];
    expect(outboxVerdict({ state, events: [] })).toEqual({ publishable: false, reason: expect.stringMatching(/^outside the config contract: actions\.0\.retry_policy/) });
    expect(outboxVerdict({ state: { ...sampleWorkflowState(), name: 'n'.repeat(600_000) }, events: [] })).toMatchObject({ publishable: false });
  });

  it('dead-letters a change whose events are outside the recorded topic’s contract, naming why', () => {
    const state = sampleWorkflowState();
    const renamed = { workflow_id: state.id, tenant_id: state.tenant_id, version: 2, occurred_at: 'yesterday', actor: { type: 'admin', id: null }, request_id: null, type: 'workflow.renamed', data: { name: 'x' } };
    expect(outboxVerdict({ state, events: [renamed] })).toEqual({ publishable: false, reason: expect.stringMatching(/^outside the recorded events contract: 0\.occurred_at/) });
    expect(outboxVerdict({ state, events: [{ ...renamed, occurred_at: '2026-12-01T10:00:00.000Z', type: 'workflow.teleported' }] })).toMatchObject({ publishable: false });
    expect(outboxVerdict({ state, events: null })).toMatchObject({ publishable: false });
  });

  it("tells Kafka's refusal of the message itself from a failure worth retrying", () => {
    expect(kafkaRefusal(protocolError(10))).toMatch(/MESSAGE_TOO_LARGE/);
    // As the producer's retrier rejects it: wrapped, with the broker's error as its cause.
    const refused = protocolError(10);
    expect(kafkaRefusal(Object.assign(new KafkaJSNonRetriableError(refused), { cause: refused }))).toMatch(/MESSAGE_TOO_LARGE/);
    expect(kafkaRefusal(protocolError(7))).toBeUndefined();
    expect(kafkaRefusal(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBeUndefined();
    // The contract check runs first, so the publisher's own refusal never reaches here as a Kafka one.
    expect(kafkaRefusal(new InvalidOutgoingMessageError('config.workflow.changed.v1: name: too big'))).toBeUndefined();
  });
});
