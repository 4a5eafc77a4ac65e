import { PendingRoom } from './pending-room';

describe('PendingRoom', () => {
  it('lets callers on at once below the bound, holds them at it, and wakes them as jobs leave', async () => {
    let held = 1;
    const room = new PendingRoom(2, () => held);
    await expect(room.whenRoom()).resolves.toBeUndefined();
    held = 2;
    const woken: number[] = [];
    void room.whenRoom().then(() => woken.push(1));
    void room.whenRoom().then(() => woken.push(2));
    room.freed();
    await Promise.resolve();
    expect(woken).toEqual([]);
    held = 1;
    room.freed();
    await Promise.resolve();
    expect(woken).toEqual([1, 2]);
  });
});
