import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { WorkflowConfigApi } from '@hookstream/contracts';
import { ADMIN_ACTOR, AdminGuard } from '@hookstream/gateway-tenants';
import { ApiErrorBody, InternalHttpClient } from '@hookstream/gateway-http';
import { WORKFLOW_CONFIG_CLIENT } from './internal-clients';
import { bodySchema } from './workflow.dto';
import { EventSourceView } from './workflow.responses';

/** Operators extend the event-type catalog (shared by every tenant) without code changes. */
@ApiTags('admin')
@ApiBearerAuth('admin')
@ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'Not Bearer ADMIN_API_KEY' })
@UseGuards(AdminGuard)
@Controller('admin/event-types')
export class EventTypesAdminController {
  constructor(@Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add event types to a source (new or existing); existing ones get the new texts' })
  @ApiCreatedResponse({ type: EventSourceView, description: 'The source with all its event types' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  @ApiBody({ schema: bodySchema('EventSourceDto') })
  async add(@Body() body: unknown) {
    return (await this.config.call('POST', WorkflowConfigApi.eventTypes.path(), { body, actor: ADMIN_ACTOR })).body;
  }
}
