/**
 * `vectorUpsert` and `vectorQuery` (`vector-upsert:1.0.0@default`, `vector-query:1.0.0@default`). Texts are
 * embedded here, inside the activity, so their vectors go from the model straight into the store: history
 * holds the texts the workflow already had and the counts, not thousands of numbers per item.
 *
 * Mistakes in the request (bad collection name, wrong dimension, missing id) are `validation` errors;
 * database failures (server unreachable) are thrown as they are, so Temporal retries the activity.
 */
import { VectorStoreError, type VectorRecord, type VectorStore } from '../../ai/vector-store';
import type { TokenUsage } from '../../ai/model-types';
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { embedTexts } from './llm';
import {
  MAX_EMBED_INPUTS,
  type VectorQueryRequest,
  type VectorQueryResult,
  type VectorUpsertRequest,
  type VectorUpsertResult,
} from './types';

export const MAX_UPSERT_ITEMS = 1000;
export const MAX_TOP_K = 100;
const MAX_ID_LENGTH = 200;

export function createVectorUpsert(deps: ActivityDeps) {
  return async function vectorUpsert(request: VectorUpsertRequest): Promise<VectorUpsertResult> {
    const items = checkItems(request);
    const toEmbed = items.filter((item) => !item.vector);
    const embedded = new Map<string, number[]>();
    let usage: TokenUsage | undefined;
    let model: string | undefined;
    for (let at = 0; at < toEmbed.length; at += MAX_EMBED_INPUTS) {
      const batch = toEmbed.slice(at, at + MAX_EMBED_INPUTS);
      const result = await embedTexts(
        deps,
        request,
        batch.map((item) => item.text as string),
        request.dimensions,
      );
      batch.forEach((item, i) => embedded.set(item.id, result.vectors[i]));
      model = result.model;
      usage = { inputTokens: (usage?.inputTokens ?? 0) + result.usage.inputTokens, outputTokens: 0 };
    }
    const records: VectorRecord[] = items.map((item) => ({
      id: item.id,
      vector: item.vector ?? (embedded.get(item.id) as number[]),
      text: item.text,
      metadata: item.metadata,
    }));
    const store = await storeOf(deps, request.position);
    const upserted = await inStore(request.position, () => store.upsert(request.collection, records));
    const result: VectorUpsertResult = { upserted, collection: request.collection };
    if (model) Object.assign(result, { model, usage });
    return result;
  };
}

export function createVectorQuery(deps: ActivityDeps) {
  return async function vectorQuery(request: VectorQueryRequest): Promise<VectorQueryResult> {
    const { position } = request;
    const topK = request.topK ?? 5;
    if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
      throw failure('validation', `'topK' must be a whole number from 1 to ${MAX_TOP_K}`, { instance: position });
    }
    if (request.filter !== undefined && !isObject(request.filter)) {
      throw failure('validation', "'filter' must be an object of metadata values", { instance: position });
    }
    const hasVector = request.vector !== undefined;
    const hasText = typeof request.text === 'string' && request.text.length > 0;
    if (hasVector === hasText) {
      throw failure('validation', "give either 'vector' or 'text' (a non-empty string)", { instance: position });
    }
    let vector = request.vector as number[];
    const result: Partial<VectorQueryResult> = {};
    if (hasText) {
      const embedded = await embedTexts(deps, request, [request.text as string], request.dimensions);
      vector = embedded.vectors[0];
      Object.assign(result, { model: embedded.model, usage: embedded.usage });
    }
    const store = await storeOf(deps, position);
    const matches = await inStore(position, () => store.query(request.collection, vector, topK, request.filter));
    return { matches, collection: request.collection, ...result };
  };
}

async function storeOf(deps: ActivityDeps, instance: string): Promise<VectorStore> {
  const provider = deps.ai?.vectors;
  if (!provider) throw failure('configuration', 'this runner has no vector store configured', { instance });
  return provider.store();
}

async function inStore<T>(instance: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof VectorStoreError) throw failure('validation', e.message, { instance });
    throw e;
  }
}

interface CheckedItem {
  id: string;
  vector?: number[];
  text?: string;
  metadata?: Record<string, unknown>;
}

function checkItems(request: VectorUpsertRequest): CheckedItem[] {
  const instance = request.position;
  const items = request.items as unknown;
  if (!Array.isArray(items) || items.length === 0) {
    throw failure('validation', "'items' must be a non-empty list", { instance });
  }
  if (items.length > MAX_UPSERT_ITEMS) {
    throw failure('validation', `'items' holds ${items.length} items, more than ${MAX_UPSERT_ITEMS}`, { instance });
  }
  return items.map((item: unknown, i: number) => {
    const where = `items[${i}]`;
    if (!isObject(item)) throw failure('validation', `${where} must be an object`, { instance });
    const { id, vector, text, metadata } = item;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id).length === 0) {
      throw failure('validation', `${where}.id must be a non-empty string`, { instance });
    }
    if (String(id).length > MAX_ID_LENGTH) {
      throw failure('validation', `${where}.id is longer than ${MAX_ID_LENGTH} characters`, { instance });
    }
    if (vector === undefined && (typeof text !== 'string' || text.length === 0)) {
      throw failure('validation', `${where} needs a 'vector' or a non-empty 'text'`, { instance });
    }
    if (vector !== undefined && !Array.isArray(vector)) {
      throw failure('validation', `${where}.vector must be a list of numbers`, { instance });
    }
    if (metadata !== undefined && !isObject(metadata)) {
      throw failure('validation', `${where}.metadata must be an object`, { instance });
    }
    return {
      id: String(id),
      vector: vector as number[] | undefined,
      text: typeof text === 'string' ? text : undefined,
      metadata: metadata as Record<string, unknown> | undefined,
    };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
