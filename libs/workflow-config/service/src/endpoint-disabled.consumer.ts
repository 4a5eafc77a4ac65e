import { Inject, Injectable } from '@nestjs/common';
import { decodeMessage, EndpointDisabled, Topics } from '@hookstream/contracts';
import { ConsumerHost } from '@hookstream/messaging';
import { disableAction } from '@hookstream/workflow-definition';
import { WorkflowStore } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';

/** Delivery saw 410 Gone: the action is disabled, and the change is published like any other. */
@Injectable()
export class EndpointDisabledConsumer {
  constructor(
    host: ConsumerHost,
    private readonly store: WorkflowStore,
    @Inject(WORKFLOW_CONFIG_SERVICE_SETTINGS) settings: WorkflowConfigServiceSettings,
  ) {
    host.add<EndpointDisabled>({
      groupId: settings.groupId,
      topics: [Topics.endpointDisabled],
      decode: (m) => decodeMessage(Topics.endpointDisabled, m.value),
      // A new group reads the whole topic: replays are harmless (see disableAction), missed notices are not.
      fromBeginning: true,
      handle: async (messages) => {
        for (const { value } of messages) {
          await this.store.update(value.workflow_id, value.tenant_id, (state) => ({ state: disableAction(state, value, { now: new Date() }), result: undefined }));
        }
      },
    });
  }
}
