/**
 * A promise-like result that the interpreter settles itself. The Temporal SDK captures a source-mapped
 * stack trace for every promise created in workflow code, which made promises the interpreter's largest
 * cost: a `call` inside a `try` inside a `for` went through about ten of them. A {@link Later} wraps the one
 * promise the SDK hands out (an activity, a timer) and composes the interpreter's continuations on it without
 * creating more: `then` registers a reaction, and reactions run synchronously, in registration order, when
 * the source settles.
 *
 * A reaction that returns another pending Later hands its waiters over to it (no chain that grows with
 * the number of tasks in a list, and settling never recurses deeper than the task nesting).
 *
 * Running continuations synchronously changes how many microtask steps a branch takes, which decides the
 * order in which concurrent branches issue commands. The interpreter therefore uses Laters only where one
 * chain runs (RunState.racing is 0); inside `fork` branches and timeout races it keeps real promises.
 */
type State = 'pending' | 'fulfilled' | 'rejected';

interface Reaction {
  onFulfilled?: ((value: any) => unknown) | null;
  onRejected?: ((reason: any) => unknown) | null;
  next: Later<unknown>;
}

export class Later<T> implements PromiseLike<T> {
  private state: State = 'pending';
  private value: unknown;
  private reactions: Reaction[] = [];
  /** The Later this one handed its waiters to (it settles the same way). */
  private forward: Later<unknown> | undefined;

  /** Follows a promise (one reaction on it: the only promise this costs). */
  static from<T>(source: PromiseLike<T>): Later<T> {
    const later = new Later<T>();
    source.then(
      (value) => later.resolve(value),
      (reason: unknown) => later.reject(reason),
    );
    return later;
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Later<R1 | R2> {
    const self = this.target();
    const next = new Later<R1 | R2>();
    const reaction: Reaction = { onFulfilled, onRejected, next: next as Later<unknown> };
    if (self.state === 'pending') self.reactions.push(reaction);
    else react(reaction, self.state, self.value);
    return next;
  }

  /** Settles with `x`: a value, or (adopted) another Later or promise. */
  resolve(x: unknown): void {
    if (this.state !== 'pending' || this.forward) return;
    if (x instanceof Later) {
      const target = x.target();
      if (target === this) {
        this.reject(new TypeError('a Later cannot resolve with itself'));
      } else if (target.state === 'pending') {
        // Hand the waiters over: this Later now stands for `target`.
        target.reactions.push(...this.reactions);
        this.reactions = [];
        this.forward = target;
      } else {
        this.settle(target.state, target.value);
      }
      return;
    }
    if (isThenable(x)) {
      x.then(
        (value) => this.resolve(value),
        (reason: unknown) => this.reject(reason),
      );
      return;
    }
    this.settle('fulfilled', x);
  }

  reject(reason: unknown): void {
    this.settle('rejected', reason);
  }

  private settle(state: Exclude<State, 'pending'>, value: unknown): void {
    if (this.state !== 'pending' || this.forward) return;
    this.state = state;
    this.value = value;
    const reactions = this.reactions;
    this.reactions = [];
    for (const reaction of reactions) react(reaction, state, value);
  }

  private target(): Later<unknown> {
    let t: Later<unknown> = this as Later<unknown>;
    while (t.forward) t = t.forward;
    if (t !== (this as Later<unknown>)) this.forward = t;
    return t;
  }
}

function react(reaction: Reaction, state: Exclude<State, 'pending'>, value: unknown): void {
  const handler = state === 'fulfilled' ? reaction.onFulfilled : reaction.onRejected;
  if (!handler) {
    if (state === 'fulfilled') reaction.next.resolve(value);
    else reaction.next.reject(value);
    return;
  }
  let result: unknown;
  try {
    result = handler(value);
  } catch (e) {
    reaction.next.reject(e);
    return;
  }
  reaction.next.resolve(result);
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === 'object' || typeof x === 'function') &&
    x !== null &&
    typeof (x as PromiseLike<unknown>).then === 'function'
  );
}
