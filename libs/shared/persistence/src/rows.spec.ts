import { z } from 'zod';
import { affectedCount, rowsOf } from './rows';

describe('typed rows of raw queries', () => {
  const Row = z.object({ id: z.string(), attempts: z.number() });

  it('reads every row through its schema', () => {
    expect(rowsOf(Row, [{ id: 'a', attempts: 1 }, { id: 'b', attempts: 2 }])).toEqual([{ id: 'a', attempts: 1 }, { id: 'b', attempts: 2 }]);
    expect(rowsOf(Row, [])).toEqual([]);
  });

  it('fails on a row whose column SQL renamed or retyped, naming it', () => {
    expect(() => rowsOf(Row, [{ id: 'a', attempts: '1' }])).toThrow(/attempts/);
    expect(() => rowsOf(Row, [{ id: 'a', tries: 1 }])).toThrow(/attempts/);
    expect(() => rowsOf(Row, { id: 'a', attempts: 1 })).toThrow(/rows of a query/);
  });

  it("takes the count of an UPDATE or DELETE from TypeORM's [rows, count]", () => {
    expect(affectedCount([[], 3])).toBe(3);
    expect(() => affectedCount([{ id: 'a' }])).toThrow(/UPDATE or DELETE/);
  });
});
