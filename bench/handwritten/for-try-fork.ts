/**
 * Reference workflow 3 written by hand: for each item a GET that is retried on failure (up to five
 * attempts, 20 ms apart, as the DSL's try/retry), then two branches that build their results in parallel.
 */
import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { httpGet } from './http-activities';

const MAX_ATTEMPTS = 5;
const RETRY_DELAY_MS = 20;

async function getWithRetry(position: string, endpoint: string, input: unknown, local?: boolean): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await httpGet(position, endpoint, input, local);
    } catch (e) {
      // A local activity's failure arrives as its own ApplicationFailure, not wrapped in an ActivityFailure.
      if (!(e instanceof ActivityFailure || e instanceof ApplicationFailure) || attempt >= MAX_ATTEMPTS) throw e;
      await sleep(RETRY_DELAY_MS);
    }
  }
}

export async function benchForTryFork(input: { baseUrl: string; items: number[]; local?: boolean }): Promise<unknown> {
  const { local, ...rest } = input;
  let data: unknown = rest;
  for (const [index, item] of input.items.entries()) {
    const position = `/do/0/items/do/0/fetch/try/0/get#${index}`;
    data = await getWithRetry(position, `${input.baseUrl}/flaky/${item}`, data, local);
  }
  const last = (data as { step?: unknown }).step;
  const [left, right] = await Promise.all([
    Promise.resolve({ branch: 'left', last }),
    Promise.resolve({ branch: 'right', last }),
  ]);
  return [left, right];
}
