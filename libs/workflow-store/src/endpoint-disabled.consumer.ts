import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Contracts, EndpointDisabled, Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';
import { ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { disableAction } from '@hookstream/workflow-definition';
import { WorkflowStore } from './workflow.store';
import { WORKFLOW_STORE_SETTINGS, WorkflowStoreSettings } from './workflow-store.settings';

/** Delivery saw 410 Gone: the action is disabled, and the change is published like any other. */
@Injectable()
export class EndpointDisabledConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly store: WorkflowStore,
    private readonly readiness: ReadinessRegistry,
    @Inject(WORKFLOW_STORE_SETTINGS) private readonly settings: WorkflowStoreSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const consumer = this.kafka.consumer<EndpointDisabled>({
      groupId: this.settings.groupId,
      topics: [Topics.endpointDisabled],
      contract: Contracts.endpointDisabled,
      deadLetter: Topics.configDeadLetter,
      // A new group reads the whole topic: replays are harmless (see disableAction), missed notices are not.
      fromBeginning: true,
      handle: async (messages) => {
        for (const { value } of messages) {
          await this.store.update(value.workflow_id, value.tenant_id, (state) => ({ state: disableAction(state, value, { now: new Date() }), result: undefined }));
        }
      },
    });
    let startError: Error | undefined;
    this.readiness.register('endpoint-disabled-consumer', async () => {
      const error = startError ?? consumer.healthError();
      if (error) throw error;
    });
    // Joining the group can wait out a crashed member's session: the API does not wait for it.
    consumer.start().catch((err: unknown) => {
      startError = err as Error;
      this.logger.error({ err }, 'endpoint-disabled consumer failed to start');
    });
  }
}
