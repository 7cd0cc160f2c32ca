/** Builds a DSL 1.0.3 document around a YAML body (the `do:` list and any top-level sections). */
export function workflow(name: string, body: string): string {
  return `document:\n  dsl: '1.0.3'\n  namespace: test\n  name: ${name}\n  version: '1.0.0'\n${body.replace(/^\n/, '')}`;
}

/** Task names in execution order, from a run's task records. */
export function order(tasks: { name: string }[]): string[] {
  return tasks.map((t) => t.name);
}
