import { HttpException } from '@nestjs/common';
import { actorOf, refusal } from './command-meta';

const answer = (err: HttpException) => ({ status: err.getStatus(), body: err.getResponse() });

describe('who and why, at the edge of the internal API', () => {
  it('reads the signed actor; no actor is the platform; anything else is a 400', () => {
    expect(actorOf('admin')).toEqual({ type: 'admin', id: null });
    expect(actorOf(undefined)).toEqual({ type: 'platform', id: null });
    for (const forged of ['root', 'api_key:', 'api_key:../../etc', '']) {
      let thrown: unknown;
      try {
        actorOf(forged);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(HttpException);
      expect(answer(thrown as HttpException)).toEqual({ status: 400, body: { error_type: 'request_invalid', error_codes: ['actor_invalid'] } });
    }
  });

  it('answers a refused command with its status and codes', () => {
    expect(answer(refusal({ ok: false, status: 404, codes: [] }))).toEqual({ status: 404, body: { error_type: 'not_found' } });
    expect(answer(refusal({ ok: false, status: 422, codes: ['actions_required'] }))).toEqual({ status: 422, body: { error_type: 'request_invalid', error_codes: ['actions_required'] } });
    expect(answer(refusal({ ok: false, status: 409, codes: ['workflow_version_conflict'] }))).toEqual({ status: 409, body: { error_type: 'conflict', error_codes: ['workflow_version_conflict'] } });
  });
});
