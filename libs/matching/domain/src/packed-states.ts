/**
 * Bytes packed one after another into large Buffers (slabs), off the V8
 * heap: a workflow's state parsed costs ~1 KB of heap, and V8 grows its old
 * generation to about twice what is live; a Buffer of its own would still
 * cost ~100 B of heap apiece. A place is one number (slab and offset); its
 * length is the caller's to keep.
 */
export class PackedStates {
  private readonly slabs: (Buffer | undefined)[] = [];
  /** Bytes still in use, per slab. */
  private readonly inUse: number[] = [];
  private readonly freeSlabs: number[] = [];
  private current = -1;
  /** Bytes written into the current slab. */
  private filled = 0;
  private liveBytes = 0;
  private heldBytes = 0;

  /** Bytes packed and not freed. */
  get live(): number {
    return this.liveBytes;
  }

  /** Bytes held by slabs but freed: what a repack would give back. */
  get wasted(): number {
    return this.heldBytes - this.liveBytes;
  }

  /** Packs a string as UTF-8; answers its place and its length in bytes. */
  put(text: string): { place: number; bytes: number } {
    const bytes = Buffer.byteLength(text);
    const slab = this.slabFor(bytes);
    const offset = this.filled;
    slab.write(text, offset);
    return { place: this.record(bytes, offset), bytes };
  }

  /** The same bytes packed again, at the end (a repack moves every place this way). */
  move(place: number, bytes: number): number {
    const [from, start] = [slabOf(place), offsetOf(place)];
    const slab = this.slabFor(bytes);
    const offset = this.filled;
    // The source slab is read before it may be dropped by free below.
    (this.slabs[from] as Buffer).copy(slab, offset, start, start + bytes);
    const moved = this.record(bytes, offset);
    this.free(place, bytes);
    return moved;
  }

  read(place: number, bytes: number): string {
    const start = offsetOf(place);
    return (this.slabs[slabOf(place)] as Buffer).toString('utf8', start, start + bytes);
  }

  free(place: number, bytes: number): void {
    const slab = slabOf(place);
    this.inUse[slab] -= bytes;
    this.liveBytes -= bytes;
    if (this.inUse[slab] === 0 && slab !== this.current) this.drop(slab);
  }

  /** The current slab when the bytes fit in what is left of it, else a new one. */
  private slabFor(bytes: number): Buffer {
    const current = this.slabs[this.current];
    if (current && this.filled + bytes <= current.length) return current;
    if (this.current >= 0 && this.inUse[this.current] === 0) this.drop(this.current);
    const size = Math.max(SLAB_BYTES, bytes);
    const slab = Buffer.allocUnsafeSlow(size);
    this.current = this.freeSlabs.pop() ?? this.slabs.length;
    this.slabs[this.current] = slab;
    this.inUse[this.current] = 0;
    this.filled = 0;
    this.heldBytes += size;
    return slab;
  }

  private record(bytes: number, offset: number): number {
    this.filled += bytes;
    this.inUse[this.current] += bytes;
    this.liveBytes += bytes;
    return this.current * SLAB_SPAN + offset;
  }

  private drop(slab: number): void {
    this.heldBytes -= (this.slabs[slab] as Buffer).length;
    this.slabs[slab] = undefined;
    this.freeSlabs.push(slab);
    if (slab === this.current) this.current = -1;
  }
}

/** Large enough that a slab's own overhead is nothing per state, small enough that the last one's unused tail is little. */
const SLAB_BYTES = 1024 * 1024;
/** A place is slab * SLAB_SPAN + offset: an offset (even in a slab sized for one large state) stays below 2^32. */
const SLAB_SPAN = 2 ** 32;
const slabOf = (place: number) => Math.floor(place / SLAB_SPAN);
const offsetOf = (place: number) => place % SLAB_SPAN;
