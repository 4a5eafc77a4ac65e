import type { WorkflowHistoryEntry } from '@hookstream/contracts';
import { workflowHistoryView } from './workflow-history-view';

const base = 'https://api.example';
const entry: WorkflowHistoryEntry = {
  version: 2,
  type: 'workflow.renamed',
  occurred_at: '2026-12-01T10:00:00.000Z',
  actor: { type: 'api_key', id: 'key_aaaaaaaaaaaaaaaaaaaaaaaaaa' },
  request_id: '7d9f2d0c-5d2a-4e8a-9a53-6a0f6f3e3c11',
  changes: [{ field: 'name', from: 'old', to: 'new' }],
};

describe('workflowHistoryView', () => {
  it('passes the entries through and links the next page, with its cursor and the caller’s limit, while there is one', () => {
    const view = workflowHistoryView(base, 'wf_a', { data: [entry], next_cursor: 'v1.2' }, '2');
    expect(view).toEqual({
      data: [entry],
      _links: { self: { href: `${base}/workflows/wf_a/history` }, next: { href: `${base}/workflows/wf_a/history?limit=2&cursor=v1.2` } },
    });
  });

  it('has no next link on the last page, and keeps no limit the caller did not give', () => {
    expect(workflowHistoryView(base, 'wf_a', { data: [], next_cursor: null })._links).toEqual({ self: { href: `${base}/workflows/wf_a/history` } });
    expect(workflowHistoryView(base, 'wf_a', { data: [], next_cursor: 'c' })._links.next).toEqual({ href: `${base}/workflows/wf_a/history?cursor=c` });
  });

  it('escapes what it puts in a link', () => {
    const view = workflowHistoryView(base, 'wf_a/../x', { data: [], next_cursor: 'a&b=c' }, '1 0');
    expect(view._links.next).toEqual({ href: `${base}/workflows/wf_a%2F..%2Fx/history?limit=1+0&cursor=a%26b%3Dc` });
  });
});
