import { loadConfig } from '../config/config';
import { MetricsService } from './metrics.service';
import { RequestDurationHistogram } from './request-duration.histogram';

describe('RequestDurationHistogram', () => {
  it('exports cumulative buckets in seconds, +Inf, sum and count per status code', async () => {
    const histogram = new RequestDurationHistogram();
    const series = histogram.route('GET', '/api/things/:id');
    series.observe(200, 0.4); // 0.4 ms: first bucket (<= 0.5 ms)
    series.observe(200, 0.5); // on the bound: still the first bucket
    series.observe(200, 30); // 30 ms: <= 0.05 s
    series.observe(200, 60_000); // beyond the last bound: +Inf only
    series.observe(503, 2);
    const { values, type } = await histogram.get();
    expect(type).toBe('histogram');
    const ok = (metricName: string, le?: string) =>
      values.find(
        (value) => value.metricName === metricName && value.labels.status_code === '200' && (le === undefined || value.labels.le === le),
      )?.value;
    expect(ok('http_request_duration_seconds_bucket', '0.0005')).toBe(2);
    expect(ok('http_request_duration_seconds_bucket', '0.025')).toBe(2);
    expect(ok('http_request_duration_seconds_bucket', '0.05')).toBe(3);
    expect(ok('http_request_duration_seconds_bucket', '10')).toBe(3);
    expect(ok('http_request_duration_seconds_bucket', '+Inf')).toBe(4);
    expect(ok('http_request_duration_seconds_count')).toBe(4);
    expect(ok('http_request_duration_seconds_sum')).toBeCloseTo(60.0309, 6);
    expect(values.find((value) => value.labels.status_code === '503' && value.metricName.endsWith('_count'))?.labels).toEqual({
      method: 'GET',
      route: '/api/things/:id',
      status_code: '503',
    });
  });

  it('gives one series per method and route template', () => {
    const histogram = new RequestDurationHistogram();
    expect(histogram.route('GET', '/a')).toBe(histogram.route('GET', '/a'));
    expect(histogram.route('POST', '/a')).not.toBe(histogram.route('GET', '/a'));
  });
});

describe('MetricsService', () => {
  const metrics = new MetricsService(loadConfig({ NODE_ENV: 'development', METRICS_PORT: '0' }));

  it('keeps webhook topic labels bounded', () => {
    expect(metrics.boundedTopic('conversation.admin.replied')).toBe('conversation.admin.replied');
    expect(metrics.boundedTopic(undefined)).toBe('unknown');
    expect(metrics.boundedTopic('Robert"); DROP TABLE')).toBe('other');
    for (let index = 0; index < 200; index += 1)
      metrics.boundedTopic(`topic.number_${'x'.repeat(index % 30)}${String.fromCharCode(97 + (index % 26))}`);
    expect(metrics.boundedTopic('yet.another.topic')).toBe('other');
    expect(metrics.boundedTopic('conversation.admin.replied')).toBe('conversation.admin.replied');
  });

  it('renders what samplers set at scrape time, and survives a failing sampler', async () => {
    metrics.onScrape(() => metrics.pollSnapshots.set(7));
    metrics.onScrape(() => {
      throw new Error('database down');
    });
    expect(await metrics.render()).toContain('\npoll_snapshots 7\n');
  });
});

describe('metrics configuration', () => {
  it('defaults to port 9464 and refuses the public port', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).metrics.port).toBe(9464);
    expect(() => loadConfig({ NODE_ENV: 'development', PORT: '9464' })).toThrow('METRICS_PORT must differ from PORT');
    expect(() => loadConfig({ NODE_ENV: 'development', METRICS_PORT: '70000' })).toThrow('METRICS_PORT must be <= 65535');
    expect(loadConfig({ NODE_ENV: 'development', PORT: '9464', METRICS_PORT: '0' }).metrics.port).toBe(0);
  });

  it('takes the build commit from GIT_COMMIT', () => {
    expect(loadConfig({ NODE_ENV: 'development', GIT_COMMIT: 'ABCDEF1234567' }).commit).toBe('abcdef1234567');
    expect(loadConfig({ NODE_ENV: 'development' }).commit).toBeUndefined();
    expect(() => loadConfig({ NODE_ENV: 'development', GIT_COMMIT: 'main; rm -rf' })).toThrow('GIT_COMMIT must be a commit hash');
  });
});
