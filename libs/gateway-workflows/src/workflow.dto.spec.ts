import { HttpException, Type } from '@nestjs/common';
import { createValidationPipe } from '@hookstream/gateway-auth';
import { EventSourceDto } from './workflow.dto';

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
