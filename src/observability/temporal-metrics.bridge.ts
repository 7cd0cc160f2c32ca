import type { BufferedMetricUpdate } from '@temporalio/worker';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type PromMetric = Counter<string> | Gauge<string> | Histogram<string>;
interface Series {
  metric: PromMetric;
  kind: BufferedMetricUpdate['metric']['kind'];
  labelNames: string[];
}

/** Prometheus allows [a-zA-Z_:][a-zA-Z0-9_:]* for metric and label names. */
function promName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[a-zA-Z_:]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/**
 * Copies the Temporal SDK's buffered worker metrics (task slots, poll latency, workflow and activity
 * task outcomes...) into the prom-client registry, so the one `/metrics` endpoint serves them next to
 * the runner's own metrics instead of Temporal's exporter opening a second port.
 *
 * A Temporal metric's label set is fixed the first time it is seen: prom-client needs label names up
 * front. Later updates carrying extra attributes keep the known ones (missing ones read as '').
 */
export class TemporalMetricsBridge {
  private readonly series = new Map<string, Series>();

  constructor(private readonly registry: Registry) {}

  apply(updates: Iterable<BufferedMetricUpdate>): number {
    let applied = 0;
    for (const update of updates) {
      const series = this.seriesFor(update);
      if (!series) continue;
      const labels = this.labelsOf(series, update.attributes);
      switch (series.kind) {
        case 'counter':
          if (update.value > 0) (series.metric as Counter<string>).inc(labels, update.value);
          break;
        case 'up-down-counter':
          (series.metric as Gauge<string>).inc(labels, update.value);
          break;
        case 'gauge':
          (series.metric as Gauge<string>).set(labels, update.value);
          break;
        case 'histogram':
          (series.metric as Histogram<string>).observe(labels, update.value);
          break;
      }
      applied++;
    }
    return applied;
  }

  private labelsOf(series: Series, attributes: Record<string, string | number | boolean>): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const name of series.labelNames) labels[name] = '';
    for (const [key, value] of Object.entries(attributes)) {
      const name = promName(key);
      if (name in labels) labels[name] = String(value);
    }
    return labels;
  }

  private seriesFor(update: BufferedMetricUpdate): Series | undefined {
    const { metric } = update;
    const known = this.series.get(metric.name);
    if (known) return known;
    const name = promName(metric.name);
    if (this.registry.getSingleMetric(name)) return undefined; // a name clash with another metric: skip, never throw
    const labelNames = Object.keys(update.attributes).map(promName);
    const help = metric.description || `Temporal SDK metric ${metric.name}${metric.unit ? ` (${metric.unit})` : ''}`;
    const config = { name, help, labelNames, registers: [this.registry] };
    const created: PromMetric =
      metric.kind === 'counter'
        ? new Counter(config)
        : metric.kind === 'histogram'
          ? new Histogram(config)
          : new Gauge(config);
    const series: Series = { metric: created, kind: metric.kind, labelNames };
    this.series.set(metric.name, series);
    return series;
  }
}
