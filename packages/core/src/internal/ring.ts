/**
 * A growable FIFO ring buffer: O(1) push and shift, no per-item allocation.
 * It starts small and doubles on demand, so a channel with a large capacity
 * only pays for what it actually holds. The bound is the caller's business.
 */
export class Ring<T> {
  private slots: Array<T | undefined>;
  private head = 0;
  private mask: number;
  /** How many values are held. */
  length = 0;

  constructor(initialSize = 8) {
    let size = 2;
    while (size < initialSize) size *= 2;
    this.slots = new Array<T | undefined>(size);
    this.mask = size - 1;
  }

  push(value: T): void {
    if (this.length === this.slots.length) this.grow();
    this.slots[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  /** Removes and returns the oldest value; check `length` first (values may be `undefined`). */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const value = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return value;
  }

  /** Removes `value` wherever it is (linear time; for rare cancellations). */
  remove(value: T): boolean {
    for (let i = 0; i < this.length; i++) {
      if (this.slots[(this.head + i) & this.mask] !== value) continue;
      for (let j = i; j < this.length - 1; j++) {
        this.slots[(this.head + j) & this.mask] = this.slots[(this.head + j + 1) & this.mask];
      }
      this.slots[(this.head + this.length - 1) & this.mask] = undefined;
      this.length--;
      return true;
    }
    return false;
  }

  /** Removes and returns every value, oldest first. */
  drain(): T[] {
    const values: T[] = [];
    for (let i = 0; i < this.length; i++) values.push(this.slots[(this.head + i) & this.mask] as T);
    this.clear();
    return values;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const slots = new Array<T | undefined>(size);
    for (let i = 0; i < this.length; i++) slots[i] = this.slots[(this.head + i) & this.mask];
    this.slots = slots;
    this.head = 0;
    this.mask = size - 1;
  }
}
