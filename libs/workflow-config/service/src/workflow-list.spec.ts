import { WorkflowListPaging } from '@hookstream/contracts';
import { listCursor, readListPaging } from './workflow-list';

const position = { createdAt: '2026-03-01T10:00:00.123456Z', id: 'wf_wlu3wxc26jounofs5iez75qaqa' };

describe('workflow list paging, as the query string brings it', () => {
  it('without limit or cursor: the whole list, as the API always answered', () => {
    expect(readListPaging({})).toEqual({ ok: true, value: null });
    expect(readListPaging({ other: '1' })).toEqual({ ok: true, value: null });
  });

  it('with either: a page, 50 from the first unless told otherwise', () => {
    expect(readListPaging({ limit: '1' })).toEqual({ ok: true, value: { limit: 1, after: null } });
    expect(readListPaging({ limit: '500' })).toEqual({ ok: true, value: { limit: 500, after: null } });
    expect(readListPaging({ cursor: listCursor(position) })).toEqual({ ok: true, value: { limit: WorkflowListPaging.defaultLimit, after: position } });
    expect(readListPaging({ limit: '7', cursor: listCursor(position) })).toEqual({ ok: true, value: { limit: 7, after: position } });
  });

  it('refuses a limit outside 1 to 500, or not a plain number', () => {
    for (const limit of ['0', '501', '-1', '1.5', '1e2', ' 5', '', 'fifty', '010', '99999999999', ['5', '6'], { a: '1' }]) {
      expect(readListPaging({ limit })).toEqual({ ok: false, codes: ['limit_invalid'] });
    }
  });

  it('takes only cursors it issued: a forged time, id or encoding is cursor_invalid, with a bad limit named too', () => {
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const forged = [
      '',
      'nope',
      listCursor(position) + '=',
      encode('2026-03-01T10:00:00.123Z|wf_a'),
      encode('2026-02-31T10:00:00.123456Z|wf_a'),
      encode('2026-03-01T25:00:00.123456Z|wf_a'),
      encode('0000-01-01T00:00:00.000000Z|wf_a'),
      encode('2026-03-01T10:00:00.123456Z|'),
      encode('2026-03-01T10:00:00.123456Z|wf a'),
      encode('2026-03-01T10:00:00.123456Z|wf_a|b'),
      encode(`2026-03-01T10:00:00.123456Z|${'w'.repeat(65)}`),
      encode('2026-03-01T10:00:00.123456Z|wf_\u0000'),
      'x'.repeat(10_000),
      ['a'],
      { __proto__: 'x' },
    ];
    for (const cursor of forged) expect(readListPaging({ cursor })).toEqual({ ok: false, codes: ['cursor_invalid'] });
    expect(readListPaging({ limit: '0', cursor: 'nope' })).toEqual({ ok: false, codes: ['limit_invalid', 'cursor_invalid'] });
  });
});
