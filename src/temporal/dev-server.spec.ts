import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli } from './dev-server';

describe('findTemporalCli', () => {
  it('prefers an explicit path that exists', () => {
    expect(findTemporalCli(process.execPath, { PATH: '' })).toBe(process.execPath);
  });

  it('skips a missing explicit path and finds the CLI on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    writeFileSync(join(dir, 'temporal'), '');
    expect(findTemporalCli('/nonexistent/temporal', { PATH: dir })).toBe(join(dir, 'temporal'));
  });
});
