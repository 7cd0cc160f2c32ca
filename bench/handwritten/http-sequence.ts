/** Reference workflow 2 written by hand: ten sequential GETs through the runner's `callHttp` activity. */
import { httpGet } from './http-activities';

export async function benchHttpSequence(input: { baseUrl: string; local?: boolean }): Promise<unknown> {
  const { local, ...rest } = input;
  let data: unknown = rest;
  for (let i = 1; i <= 10; i++) {
    data = await httpGet(`/do/${i - 1}/call${i}`, `${input.baseUrl}/step/${i}`, data, local);
  }
  return data;
}
