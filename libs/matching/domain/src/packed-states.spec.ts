import { PackedStates } from './packed-states';

const MiB = 1024 * 1024;

describe('PackedStates', () => {
  it('reads back what it packed, as UTF-8, each at its own place', () => {
    const packed = new PackedStates();
    const texts = ['{"a":1}', 'ünïcode ✓ \u0000 😀', 'x'.repeat(10_000)];
    const places = texts.map((t) => packed.put(t));
    expect(places.map((p) => packed.read(p.place, p.bytes))).toEqual(texts);
    expect(places[1].bytes).toBe(Buffer.byteLength(texts[1]));
    expect(packed.live).toBe(texts.reduce((n, t) => n + Buffer.byteLength(t), 0));
  });

  it('gives a slab back once everything in it is freed', () => {
    const packed = new PackedStates();
    const places = Array.from({ length: 300 }, () => packed.put('s'.repeat(10_000)));
    expect(packed.live).toBe(3_000_000);
    for (const p of places) packed.free(p.place, p.bytes);
    expect(packed.live).toBe(0);
    // Only the slab still written into is kept.
    expect(packed.wasted).toBeLessThanOrEqual(MiB);
  });

  it('keeps what is freed in a slab still in use as waste, until the bytes left are moved', () => {
    const packed = new PackedStates();
    const places = Array.from({ length: 300 }, (_, i) => packed.put(String(i).padEnd(10_000)));
    const kept = places.filter((_, i) => i % 4 === 0);
    places.forEach((p, i) => i % 4 !== 0 && packed.free(p.place, p.bytes));
    expect(packed.wasted).toBeGreaterThan(2 * MiB);
    const moved = kept.map((p) => ({ place: packed.move(p.place, p.bytes), bytes: p.bytes }));
    expect(moved.map((p) => packed.read(p.place, p.bytes).trimEnd())).toEqual(kept.map((_, i) => String(i * 4)));
    expect(packed.live).toBe(kept.length * 10_000);
    // What is left: the slab that was being written into when the moves began, and the one they end in.
    expect(packed.wasted).toBeLessThan(2 * MiB);
  });

  it('packs a text larger than a slab in a slab of its own size', () => {
    const packed = new PackedStates();
    const small = packed.put('a');
    const large = packed.put('b'.repeat(3 * MiB));
    expect(packed.read(large.place, large.bytes)).toHaveLength(3 * MiB);
    expect(packed.read(small.place, small.bytes)).toBe('a');
    packed.free(large.place, large.bytes);
    expect(packed.live).toBe(1);
  });
});
