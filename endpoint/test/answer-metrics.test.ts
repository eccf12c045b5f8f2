// The answers' series read the same on /metrics as prom-client's own Counter and Histogram given the
// same answers, while recording is a few additions (answer-metrics.ts).
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AnswerMetrics, LATENCY_BUCKETS } from '../src/answer-metrics';

const ANSWERS: [string, number, number][] = [
  ['/v1/batch', 200, 0.0031], ['/v1/batch', 200, 0.005], ['/v1/batch', 200, 0], ['/v1/batch', 400, 0.0007],
  ['/v1/batch', 200, 12.5], ['/v1/batch', 429, 10], ['/healthz', 200, 0.0002], ['unmatched', 404, 0.0011], ['/healthz', 200, 0.25],
];

function reference(answers: typeof ANSWERS): Registry {
  const registers = [new Registry()];
  const requests = new Counter({ name: 'candor_http_requests_total', help: 'HTTP requests answered, by route pattern and status.', labelNames: ['route', 'status'], registers });
  const duration = new Histogram({ name: 'candor_http_request_duration_seconds', help: 'Time from request to answer, by route pattern.', labelNames: ['route'], buckets: [...LATENCY_BUCKETS], registers });
  for (const [route, status, seconds] of answers) {
    requests.inc({ route, status: String(status) });
    duration.observe({ route }, seconds);
  }
  return registers[0]!;
}

describe('answer metrics', () => {
  it('expose what prom-client would for the same answers, line for line', async () => {
    const registry = new Registry();
    const metrics = new AnswerMetrics([registry]);
    for (const [route, status, seconds] of ANSWERS) { metrics.record(route, status, seconds); }
    const lines = async (r: Registry) => (await r.metrics()).split('\n').sort();
    expect(await lines(registry)).toEqual(await lines(reference(ANSWERS)));
    expect(await registry.metrics()).toContain('candor_http_request_duration_seconds_bucket{le="0.005",route="/v1/batch"} 4\n');
  });

  it('expose nothing before the first answer, as prom-client does, and keep counting across scrapes', async () => {
    const registry = new Registry();
    const metrics = new AnswerMetrics([registry]);
    expect(await registry.metrics()).toBe(await reference([]).metrics());
    metrics.record('/v1/batch', 200, 0.002);
    await registry.metrics();
    metrics.record('/v1/batch', 200, 0.002);
    expect(await registry.metrics()).toContain('candor_http_requests_total{route="/v1/batch",status="200"} 2\n');
    expect(await registry.metrics()).toContain('candor_http_request_duration_seconds_count{route="/v1/batch"} 2\n');
  });
});
