import { ValidationCache, createValidateWorkflow } from './validate-workflow';

const valid = (name: string) =>
  `document: { dsl: '1.0.3', namespace: test, name: ${name}, version: '1.0.0' }\ndo:\n  - a:\n      set: { x: 1 }\n`;

describe('validateWorkflow', () => {
  it('returns the loader verdict for valid and invalid documents', async () => {
    const validate = createValidateWorkflow();
    const ok = await validate(valid('good'));
    expect(ok.ok).toBe(true);
    const bad = await validate('document: [');
    expect(bad.ok).toBe(false);
  });

  it('serves a repeated document from the cache with the same verdict, bounded by capacity', () => {
    const cache = new ValidationCache(2);
    const first = cache.validate(valid('one'));
    expect(cache.validate(valid('one'))).toBe(first);
    cache.validate(valid('two'));
    cache.validate(valid('three'));
    expect(cache.size).toBe(2);
    // 'one' was the oldest entry and left the cache: validating it again yields a new, equal verdict.
    const again = cache.validate(valid('one'));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
