import { HttpException, Type } from '@nestjs/common';
import { createValidationPipe } from '@hookstream/gateway-http';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ActionTimeout, CloudEventsMode, CONDITION_TYPES, DefaultWorkflowLimits, PayloadFormat } from '@hookstream/contracts';
import { EventSourceDto, workflowBodyComponents } from './workflow.dto';

const pipe = createValidationPipe();

/** What the gateway's validation pipe makes of a body: the DTO, or the 422's error codes. */
async function validate(metatype: Type<unknown>, body: unknown): Promise<{ ok: true; value: unknown } | { ok: false; status: number; codes: string[] }> {
  try {
    return { ok: true, value: await pipe.transform(body, { type: 'body', metatype }) };
  } catch (err) {
    if (!(err instanceof HttpException)) throw err;
    return { ok: false, status: err.getStatus(), codes: (err.getResponse() as { error_codes: string[] }).error_codes };
  }
}

async function codesOf(metatype: Type<unknown>, body: unknown): Promise<string[]> {
  const result = await validate(metatype, body);
  if (result.ok) throw new Error('expected the body to be rejected');
  expect(result.status).toBe(422);
  return result.codes;
}

// Workflow bodies are not validated here but by workflow-config (see workflow-limits.e2e-spec.ts);
// the operator's catalog additions are.
describe('gateway DTOs', () => {
  it('check catalog additions', async () => {
    expect(await validate(EventSourceDto, { id: 'billing', events: [{ id: 'invoice.paid', display_name: 'Invoice paid' }] })).toMatchObject({ ok: true });
    expect(await codesOf(EventSourceDto, { id: 'billing', events: [] })).toEqual(['events_required']);
    expect(await codesOf(EventSourceDto, { id: 'bad source', events: [{ id: 'x' }] })).toEqual(['source_id_invalid']);
    expect(await codesOf(EventSourceDto, { id: 'billing', events: [{ id: '' }] })).toEqual(['event_type_id_invalid']);
  });
});

describe('the workflow bodies in the OpenAPI document', () => {
  const components = workflowBodyComponents();
  const action = components.get('ActionDto')?.oneOf?.[0] as SchemaObject;
  const property = (name: string) => action.properties?.[name] as SchemaObject;

  it('are the contract input schemas, with its enums and bounds', () => {
    expect(property('format').enum).toEqual(PayloadFormat.options);
    expect(property('cloudevents_mode').enum).toEqual(CloudEventsMode.options);
    expect(property('timeout_ms').maximum).toBe(ActionTimeout.maxMs);
    expect(property('url').maxLength).toBe(DefaultWorkflowLimits.urlLength);
    expect((components.get('ConditionDto')?.oneOf as SchemaObject[]).map((c) => (c.properties?.type as SchemaObject).enum?.[0])).toEqual(CONDITION_TYPES);
  });

  it('refuse unknown fields and name what is required, as workflow-config does', () => {
    expect(components.get('WorkflowDto')).toMatchObject({ required: ['name', 'conditions', 'actions'], additionalProperties: false });
    expect(components.get('PatchWorkflowDto')?.required).toBeUndefined();
    expect(action).toMatchObject({ required: ['type', 'url'], additionalProperties: false });
  });
});
