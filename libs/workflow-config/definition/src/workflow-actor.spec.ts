import { WorkflowActor } from '@hookstream/contracts';
import { parseActor } from './workflow-actor';

describe('parseActor', () => {
  it.each([
    [undefined, { type: 'platform', id: null }],
    ['admin', { type: 'admin', id: null }],
    ['api_key:key_aaaaaaaaaaaaaaaaaaaaaaaaaa', { type: 'api_key', id: 'key_aaaaaaaaaaaaaaaaaaaaaaaaaa' }],
  ])('reads %j as a valid actor', (header, actor) => {
    expect(parseActor(header)).toEqual(actor);
    expect(WorkflowActor.parse(actor)).toEqual(actor);
  });

  it.each(['', 'Admin', 'admin ', 'platform', 'api_key:', 'api_key:key_short', `api_key:key_${'a'.repeat(200)}`, 'api_key:ten_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'api_key:key_aaaaaaaaaaaaaaaaaaaaaaaaaa\u0000', '__proto__'])(
    'refuses %j (the caller answers 400 actor_invalid)',
    (header) => {
      expect(parseActor(header)).toBeNull();
    },
  );
});
