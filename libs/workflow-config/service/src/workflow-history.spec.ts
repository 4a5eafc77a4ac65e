import { WorkflowHistoryPaging } from '@hookstream/contracts';
import { historyCursor, readHistoryPaging } from './workflow-history';

describe('history paging, as the query string brings it', () => {
  it('pages 20 from the newest unless told otherwise', () => {
    expect(readHistoryPaging({})).toEqual({ ok: true, value: { limit: WorkflowHistoryPaging.defaultLimit, before: null } });
    expect(readHistoryPaging({ limit: '1' })).toEqual({ ok: true, value: { limit: 1, before: null } });
    expect(readHistoryPaging({ limit: '100', cursor: historyCursor(42) })).toEqual({ ok: true, value: { limit: 100, before: 42 } });
  });

  it('refuses a limit outside 1 to 100, or not a plain number', () => {
    for (const limit of ['0', '101', '-1', '1.5', '1e2', ' 5', '', 'twenty', '0010', ['5', '6'], { a: '1' }]) {
      expect(readHistoryPaging({ limit })).toEqual({ ok: false, codes: ['limit_invalid'] });
    }
  });

  it('takes only cursors it issued, and names every bad parameter at once', () => {
    const forged = [
      'v5',
      Buffer.from('v0').toString('base64url'),
      Buffer.from('v2147483648').toString('base64url'),
      Buffer.from('v-1').toString('base64url'),
      Buffer.from('v5 ').toString('base64url'),
      historyCursor(5) + '=',
      'x'.repeat(10_000),
      '\u0000',
      '',
      ['a'],
      { __proto__: 'x' },
    ];
    for (const cursor of forged) expect(readHistoryPaging({ cursor })).toEqual({ ok: false, codes: ['cursor_invalid'] });
    expect(readHistoryPaging({ limit: '0', cursor: 'nope' })).toEqual({ ok: false, codes: ['limit_invalid', 'cursor_invalid'] });
    expect(readHistoryPaging({ cursor: historyCursor(2_147_483_647) })).toEqual({ ok: true, value: { limit: 20, before: 2_147_483_647 } });
  });
});
