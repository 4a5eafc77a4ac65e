import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ActionTimeout, CATALOG_TEXT_MAX, CloudEventsMode, CONDITION_TYPES, DefaultWorkflowLimits, PayloadFormat } from '@hookstream/contracts';
import { workflowBodyComponents } from './workflow.dto';

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

// Catalog additions, like workflow bodies, are read by workflow-config (readEventSourceInput) with the contract's schema.
describe('the catalog addition in the OpenAPI document', () => {
  const source = workflowBodyComponents().get('EventSourceDto');
  const event = (source?.properties?.events as SchemaObject | undefined)?.items as SchemaObject | undefined;

  it('is the contract input schema: ids required, texts bounded, unknown fields refused', () => {
    expect(source).toMatchObject({ required: ['id', 'events'], additionalProperties: false });
    expect(source?.properties?.events).toMatchObject({ type: 'array', minItems: 1 });
    expect(event).toMatchObject({ required: ['id'], additionalProperties: false });
    expect((event?.properties?.display_name as SchemaObject).maxLength).toBe(CATALOG_TEXT_MAX);
  });
});
