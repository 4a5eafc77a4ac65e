import { Get } from '@nestjs/common';
import { WorkflowConfigApi, type DeliverableWorkflowsAnswer } from '@hookstream/contracts';
import { InternalController } from '@hookstream/service-runtime';
import { WorkflowVersions } from './workflow-versions';

/** Internal, for the matcher: what its index should hold, to compare with what it does (see the matcher's WorkflowIndexCheck). */
@InternalController(['matcher'])
export class DeliverableWorkflowsInternalController {
  constructor(private readonly versions: WorkflowVersions) {}

  @Get(WorkflowConfigApi.deliverableWorkflows.pattern)
  deliverable(): Promise<DeliverableWorkflowsAnswer> {
    return this.versions.deliverableAcrossTenants();
  }
}
