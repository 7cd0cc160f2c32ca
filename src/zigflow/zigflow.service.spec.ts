import { Test } from '@nestjs/testing';
import { wf } from './bad-documents.fixture';
import { ZigflowModule } from './zigflow.module';
import { ZigflowService } from './zigflow.service';

describe('ZigflowService', () => {
  const good = wf('do:\n  - a: {set: {x: 1}}\n');
  const bad = wf('do:\n  - a: {set: {x: 1}, then: ghost}\n');

  async function service(
    module = ZigflowModule as Parameters<typeof Test.createTestingModule>[0]['imports'] extends (infer T)[] | undefined
      ? T
      : never,
  ) {
    const ref = await Test.createTestingModule({ imports: [module] }).compile();
    return ref.get(ZigflowService);
  }

  it('loads, validates and graphs through the Nest module', async () => {
    const zigflow = await service();
    expect(zigflow.load(good)).toMatchObject({ ok: true, workflow: { do: [{ a: { set: { x: 1 } } }] } });
    expect(zigflow.validate(good)).toEqual([]);
    expect(zigflow.graph(good)).toEqual({ ok: true, mermaid: expect.stringContaining('t1["a<br/>set"]') });
  });

  it('returns every problem instead of throwing', async () => {
    const zigflow = await service();
    expect(zigflow.validate(bad)).toEqual([
      expect.objectContaining({
        kind: 'semantic',
        pointer: '/do/0/a/then',
        line: 7,
        message: expect.stringContaining("then target 'ghost'"),
      }),
    ]);
    expect(zigflow.graph(bad)).toMatchObject({ ok: false, problems: [{ pointer: '/do/0/a/then' }] });
  });

  it('applies the limits it was registered with', async () => {
    const zigflow = await service(ZigflowModule.register({ maxBytes: 32 }));
    expect(zigflow.validate(good)).toEqual([
      { kind: 'limits', pointer: '', message: 'document is larger than the limit of 32 bytes' },
    ]);
  });
});
