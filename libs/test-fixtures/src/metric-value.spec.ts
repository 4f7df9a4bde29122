import { describe, expect, it } from 'vitest';
import { metricSum, metricValue } from './metric-value';

const exposition = [
  '# HELP vllm:request_success_total Finished requests.',
  '# TYPE vllm:request_success_total counter',
  'vllm:request_success_total{model_name="a",finished_reason="stop"} 3',
  'vllm:request_success_total{model_name="a",finished_reason="abort"} 2',
  'vllm:request_success_total{model_name="b \\"quoted\\"",finished_reason="abort"} 5',
  'vllm:request_success_total_created{model_name="a"} 1700000000',
  'gateway_event_streams_open 6',
].join('\n');

describe('metricSum', () => {
  it('sums the series of one metric whose labels include the given ones', () => {
    expect(metricSum(exposition, 'vllm:request_success_total')).toBe(10);
    expect(metricSum(exposition, 'vllm:request_success_total', { finished_reason: 'abort' })).toBe(7);
    expect(metricSum(exposition, 'vllm:request_success_total', { model_name: 'a', finished_reason: 'abort' })).toBe(2);
    expect(metricSum(exposition, 'vllm:request_success_total', { model_name: 'b "quoted"' })).toBe(5);
    expect(metricSum(exposition, 'gateway_event_streams_open')).toBe(6);
  });

  it('is 0 for a metric or label set it does not find, and never matches a longer name', () => {
    expect(metricSum(exposition, 'vllm:num_requests_running')).toBe(0);
    expect(metricSum(exposition, 'vllm:request_success_total', { finished_reason: 'length' })).toBe(0);
    expect(metricSum(exposition, 'vllm:request_success')).toBe(0);
  });

  it('leaves metricValue its exact series', () => {
    expect(metricValue(exposition, 'vllm:request_success_total{model_name="a",finished_reason="abort"}')).toBe(2);
  });
});
