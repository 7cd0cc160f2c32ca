import { Later } from './later';

/** A Later and the function that fulfils its source promise. */
function deferred<T>(): { later: Later<T>; fulfil: (v: T) => void; fail: (e: unknown) => void } {
  let fulfil!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const source = new Promise<T>((res, rej) => {
    fulfil = res;
    fail = rej;
  });
  return { later: Later.from(source), fulfil, fail };
}

describe('Later', () => {
  it('runs continuations in registration order, synchronously once the source settles', async () => {
    const { later, fulfil } = deferred<number>();
    const seen: string[] = [];
    const a = later.then((v) => {
      seen.push(`a${v}`);
      return v + 1;
    });
    later.then((v) => seen.push(`b${v}`));
    const c = a.then((v) => {
      seen.push(`c${v}`);
      return v * 10;
    });
    expect(seen).toEqual([]);
    fulfil(1);
    await expect(c).resolves.toBe(20);
    expect(seen).toEqual(['a1', 'c2', 'b1']);
  });

  it('passes a rejection to the first rejection handler and recovers', async () => {
    const { later, fail } = deferred<number>();
    const skipped = jest.fn();
    const result = later
      .then(skipped)
      .then(undefined, (e: Error) => `caught ${e.message}`)
      .then((v) => `${v}!`);
    fail(new Error('boom'));
    await expect(result).resolves.toBe('caught boom!');
    expect(skipped).not.toHaveBeenCalled();
  });

  it('turns an exception thrown by a continuation into a rejection', async () => {
    const { later, fulfil } = deferred<number>();
    const result = later.then(() => {
      throw new Error('inside');
    });
    fulfil(1);
    await expect(result).rejects.toThrow('inside');
  });

  it('adopts a returned Later, a promise, or settles at once when already settled', async () => {
    const first = deferred<number>();
    const second = deferred<number>();
    const viaLater = first.later.then((v) => second.later.then((w) => v + w));
    const viaPromise = first.later.then((v) => Promise.resolve(v * 100));
    first.fulfil(1);
    await expect(viaPromise).resolves.toBe(100);
    second.fulfil(2);
    await expect(viaLater).resolves.toBe(3);
    // Registered after settling: runs when registered.
    const late: number[] = [];
    viaLater.then((v) => late.push(v));
    expect(late).toEqual([3]);
  });

  it('hands waiters over along a long sequential chain without deep recursion', async () => {
    // 20,000 steps, each waiting on a fresh source, like a list of 20,000 call tasks.
    const sources: Array<(v: number) => void> = [];
    const step = (i: number, acc: number): Later<number> | number => {
      if (i === 20_000) return acc;
      const d = deferred<number>();
      sources.push(d.fulfil);
      return d.later.then((v) => step(i + 1, acc + v));
    };
    const result = step(0, 0) as Later<number>;
    let total: number | undefined;
    result.then((v) => {
      total = v;
    });
    for (let i = 0; i < 20_000; i += 1) {
      sources[i](1);
      await Promise.resolve();
      await Promise.resolve();
    }
    await expect(result).resolves.toBe(20_000);
    expect(total).toBe(20_000);
  });

  it('refuses to resolve with itself', async () => {
    const { later, fulfil } = deferred<number>();
    const self: Later<unknown> = later.then(() => self);
    fulfil(1);
    await expect(self).rejects.toThrow(TypeError);
  });
});
