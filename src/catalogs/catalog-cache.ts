/**
 * Function definitions fetched from catalogs, kept per worker process by the URL they came from (which
 * names the catalog, the function and its version). A published version does not change, so entries do
 * not expire; the cache is bounded and drops the least recently used entry.
 */
export class CatalogCache {
  private readonly entries = new Map<string, Record<string, unknown>>();

  constructor(private readonly capacity = 256) {}

  get(key: string): Record<string, unknown> | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Map iteration order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, definition: Record<string, unknown>): void {
    this.entries.delete(key);
    this.entries.set(key, definition);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
