import { Inject, Injectable } from '@nestjs/common';
import { decodeMessage, EndpointDisabled, Topics, WorkflowActor } from '@hookstream/contracts';
import { ConsumerHost, TransientError } from '@hookstream/messaging';
import { WorkflowStore } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';

/** The 410s are delivery's finding: the platform disables the endpoint, not the tenant. */
const DELIVERY: WorkflowActor = { type: 'platform', id: 'delivery' };

/** Delivery saw 410 Gone: the action is disabled (endpoint.disabled), and the change is published like any other. */
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
      // A new group reads the whole topic: replays are harmless (a notice about an action already disabled, gone
      // or since moved to another URL decides nothing), missed notices are not.
      fromBeginning: true,
      handle: async (messages) => {
        for (const { value } of messages) {
          const { tenant_id: tenantId, workflow_id: workflowId, ...gone } = value;
          const outcome = await this.store.execute({ tenantId, workflowId }, { type: 'disable_endpoint', gone }, { actor: DELIVERY, requestId: null });
          // A workflow deleted since is no one's concern; one that kept changing under us is tried again.
          if (!outcome.ok && outcome.status === 409) throw new TransientError(`workflow ${workflowId} kept changing while its endpoint was disabled`);
        }
      },
    });
  }
}
