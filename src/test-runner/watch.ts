/**
 * `--watch`: calls back (debounced) when a YAML or JSON file changes under the watched directories.
 */
import { watch, type FSWatcher } from 'node:fs';

const DEBOUNCE_MS = 200;
const RELEVANT = /\.(ya?ml|json)$/;

/** Watches every directory (recursively); returns a function that stops watching. */
export function watchDirectories(dirs: readonly string[], onChange: (file: string) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const watchers: FSWatcher[] = [...new Set(dirs)].map((dir) =>
    watch(dir, { recursive: true }, (_event, name) => {
      if (!name || !RELEVANT.test(String(name))) return;
      last = String(name);
      clearTimeout(timer);
      // Editors write a file in several steps; one run per burst.
      timer = setTimeout(() => onChange(last), DEBOUNCE_MS);
    }),
  );
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
