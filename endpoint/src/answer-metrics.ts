// Answers by route and status, and their latency by route: candor_http_requests_total and
// candor_http_request_duration_seconds of PROTOCOL.md §6. Every request records one answer, so recording
// is a map lookup and a few additions; prom-client reads the sums when /metrics is scraped. Its own
// Counter.inc and Histogram.observe hash the labels into a string and look the bucket up by its bound
// as a string on every call: about 7,500 instructions per request for the two, in a loop.
import { Counter, Histogram, type Registry } from 'prom-client';

export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface RouteAnswers {
  byStatus: Map<number, number>;
  /** Answers per latency bucket, not cumulative: [i] holds those above bound i − 1 and at most bound i. */
  inBucket: number[];
  sum: number;
  count: number;
}

export class AnswerMetrics {
  private readonly routes = new Map<string, RouteAnswers>();

  constructor(registers: Registry[], private readonly bounds: readonly number[] = LATENCY_BUCKETS) {
    const routes = this.routes;
    new Counter({
      name: 'candor_http_requests_total', help: 'HTTP requests answered, by route pattern and status.', labelNames: ['route', 'status'], registers,
      collect() {
        this.reset();
        for (const [route, answers] of routes) {
          for (const [status, n] of answers.byStatus) { this.inc({ route, status: String(status) }, n); }
        }
      },
    });
    new LatencyHistogram(routes, bounds, registers);
  }

  /** One answer of `route` (its pattern, or `unmatched`) with `status`, `seconds` after its request arrived. */
  record(route: string, status: number, seconds: number): void {
    let answers = this.routes.get(route);
    if (answers === undefined) {
      answers = { byStatus: new Map(), inBucket: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.routes.set(route, answers);
    }
    answers.byStatus.set(status, (answers.byStatus.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) { bucket++; }
    answers.inBucket[bucket]!++;
    answers.sum += seconds;
    answers.count++;
  }
}

const LATENCY_NAME = 'candor_http_request_duration_seconds';
const LATENCY_HELP = 'Time from request to answer, by route pattern.';

type HistogramValues = Awaited<ReturnType<Histogram<'route' | 'le'>['get']>>;

/**
 * prom-client's histogram, its values read from the sums above instead of its own. The registry reads
 * getForPromString() for the text exposition and get() for JSON; both give the same.
 */
class LatencyHistogram extends Histogram<'route' | 'le'> {
  constructor(private readonly routes: Map<string, RouteAnswers>, private readonly bounds: readonly number[], registers: Registry[]) {
    super({ name: LATENCY_NAME, help: LATENCY_HELP, labelNames: ['route'], buckets: [...bounds], registers });
  }

  override async get(): Promise<HistogramValues> {
    return this.getForPromString();
  }

  async getForPromString(): Promise<HistogramValues> {
    const bucket = `${LATENCY_NAME}_bucket`;
    const values: HistogramValues['values'] = [];
    for (const [route, answers] of this.routes) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += answers.inBucket[i]!;
        values.push({ labels: { le, route }, value: cumulative, metricName: bucket });
      });
      values.push(
        { labels: { le: '+Inf', route }, value: answers.count, metricName: bucket },
        { labels: { route }, value: answers.sum, metricName: `${LATENCY_NAME}_sum` },
        { labels: { route }, value: answers.count, metricName: `${LATENCY_NAME}_count` },
      );
    }
    // prom-client's types give the type as an enum; at run time it is this string. The registry does
    // not read collect.
    return { name: LATENCY_NAME, help: LATENCY_HELP, type: 'histogram' as unknown as HistogramValues['type'], values, aggregator: 'sum', collect: () => undefined };
  }
}
