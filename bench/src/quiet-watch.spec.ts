import { QuietWatch } from './quiet-watch';

describe('QuietWatch', () => {
  it('is quiet once the snapshot stayed the same for the whole quiet time', () => {
    const watch = new QuietWatch(2_000);
    expect(watch.observe('a', 0)).toBe(false);
    expect(watch.observe('a', 1_999)).toBe(false);
    expect(watch.observe('a', 2_000)).toBe(true);
  });

  it('starts over at every change', () => {
    const watch = new QuietWatch(2_000);
    watch.observe('a', 0);
    expect(watch.observe('b', 1_500)).toBe(false);
    expect(watch.observe('b', 3_000)).toBe(false);
    expect(watch.observe('b', 3_500)).toBe(true);
    expect(watch.observe('a', 4_000)).toBe(false);
  });

  it('is never quiet on its first snapshot', () => {
    expect(new QuietWatch(0).observe('a', 10)).toBe(false);
  });
});
