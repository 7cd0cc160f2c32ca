import { readFile } from 'node:fs/promises';
import { CliError, EXIT } from './exit-codes';

/** Where the CLI writes; the entry point binds it to the process, tests to buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress lines may use colour then). */
  errIsTty: boolean;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
    env: process.env,
  };
}

/** Reads a text file; a missing or unreadable file is an ENVIRONMENT error naming the path. */
export async function readTextFile(path: string, what = 'file'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new CliError(`cannot read ${what} ${path}: ${reason}`, EXIT.ENVIRONMENT);
  }
}
