/** A catalog entry: an event type of a source. */
export interface CatalogEventType {
  source: string;
  type: string;
}

/**
 * The (source, type) pairs a producer may publish: what workflow conditions
 * can name. Keyed by Maps, so a source or type like `constructor` or
 * `__proto__` is just an unknown name.
 */
export class KnownEventTypes {
  private readonly typesBySource = new Map<string, Set<string>>();

  constructor(entries: Iterable<CatalogEventType>) {
    for (const { source, type } of entries) {
      const types = this.typesBySource.get(source) ?? new Set<string>();
      types.add(type);
      this.typesBySource.set(source, types);
    }
  }

  has(source: string, type: string): boolean {
    return this.typesBySource.get(source)?.has(type) ?? false;
  }

  get size(): number {
    let n = 0;
    for (const types of this.typesBySource.values()) n += types.size;
    return n;
  }
}
