import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Contracts, EndpointDisabled, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { disableAction } from '@hookstream/workflow-definition';
import { WorkflowStore } from './workflow.store';

/** Delivery saw 410 Gone: the action is disabled, and the change is published like any other. */
@Injectable()
export class EndpointDisabledConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly store: WorkflowStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const consumer = this.kafka.consumer<EndpointDisabled>({
      groupId: 'workflow-config',
      topics: [Topics.endpointDisabled],
      contract: Contracts.endpointDisabled,
      deadLetter: Topics.configDeadLetter,
      handle: async (messages) => {
        for (const { value } of messages) {
          await this.store.update(value.workflow_id, value.tenant_id, (state) => ({
            state: disableAction(state, value.action_id, value.reason, value.disabled_at, { now: new Date() }),
            result: undefined,
          }));
        }
      },
    });
    await consumer.start();
  }
}
