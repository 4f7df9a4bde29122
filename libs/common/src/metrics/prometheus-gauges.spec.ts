import { describe, expect, it } from 'vitest';
import { MAX_SAMPLE_LINE_CHARS, sumGaugeSamples } from './prometheus-gauges';

const VLLM_LOAD = ['vllm:num_requests_running', 'vllm:num_requests_waiting'];

describe('sumGaugeSamples', () => {
  it('sums the samples of the named metrics and skips comments and other metrics', () => {
    const text = [
      '# HELP vllm:num_requests_running Number of requests running.',
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{engine="0",model_name="m"} 2.0',
      'vllm:num_requests_waiting{engine="0",model_name="m"} 3',
      'vllm:num_requests_swapped{model_name="m"} 100',
      'vllm:num_requests_running_total{model_name="m"} 100',
      'process_cpu_seconds_total 7',
      '',
    ].join('\n');
    expect(sumGaugeSamples(text, VLLM_LOAD)).toBe(5);
  });

  it('is undefined when no sample of the names is there, or none has a finite value', () => {
    expect(sumGaugeSamples('', VLLM_LOAD)).toBeUndefined();
    expect(sumGaugeSamples('# TYPE vllm:num_requests_running gauge\nother 4\n', VLLM_LOAD)).toBeUndefined();
    expect(sumGaugeSamples('vllm:num_requests_running NaN\nvllm:num_requests_waiting +Inf\n', VLLM_LOAD)).toBeUndefined();
    expect(sumGaugeSamples('vllm:num_requests_running\nvllm:num_requests_waiting{} \n', VLLM_LOAD)).toBeUndefined();
    // A zero is a reading, not an absence.
    expect(sumGaugeSamples('tgi_queue_size 0\n', ['tgi_queue_size'])).toBe(0);
  });

  it('keeps only the samples whose label matches, counting those without the label', () => {
    const text = [
      'vllm:num_requests_waiting{model_name="m"} 2',
      'vllm:num_requests_running{model_name="m"} 3',
      'vllm:num_requests_running{model_name="o"} 9',
      'vllm:num_requests_running{served_model_name="o"} 10',
      'vllm:num_requests_running 20',
    ].join('\n');
    expect(sumGaugeSamples(text, VLLM_LOAD, { label: 'model_name', value: 'm' })).toBe(35);
    expect(sumGaugeSamples(text, VLLM_LOAD, { label: 'model_name', value: 'o' })).toBe(39);
    expect(sumGaugeSamples(text, VLLM_LOAD)).toBe(44);
  });

  it('reads label values with escapes, commas, braces and spaces', () => {
    const text = [
      'vllm:num_requests_running{model_name="a \\"b\\", {c}",engine="0",} 4',
      'vllm:num_requests_running{ model_name = "a \\"b\\", {c}" , engine="1" } 5',
      'vllm:num_requests_running{model_name="a \\\\"} 6',
    ].join('\n');
    expect(sumGaugeSamples(text, VLLM_LOAD, { label: 'model_name', value: 'a "b", {c}' })).toBe(9);
    expect(sumGaugeSamples(text, VLLM_LOAD, { label: 'model_name', value: 'a \\' })).toBe(6);
  });

  it('reads the value before a timestamp, and CRLF line ends', () => {
    const text = 'tgi_queue_size 2 1700000000000\r\ntgi_batch_current_size{shard="0"} 3\r\n';
    expect(sumGaugeSamples(text, ['tgi_queue_size', 'tgi_batch_current_size'])).toBe(5);
  });

  it('skips malformed sample lines instead of guessing', () => {
    const text = [
      'vllm:num_requests_running{model_name="m" 4',
      'vllm:num_requests_running{model_name=m} 4',
      'vllm:num_requests_running{model_name="m"} x',
      'vllm:num_requests_running{model_name="m"} 1',
    ].join('\n');
    expect(sumGaugeSamples(text, VLLM_LOAD)).toBe(1);
  });

  it('ignores a line longer than the cap and still reads the lines after it', () => {
    const long = `vllm:num_requests_running{model_name="${'x'.repeat(MAX_SAMPLE_LINE_CHARS)}"} 50`;
    const text = [long, 'vllm:num_requests_waiting{model_name="m"} 1'].join('\n');
    expect(long.length).toBeGreaterThan(MAX_SAMPLE_LINE_CHARS);
    expect(sumGaugeSamples(text, VLLM_LOAD)).toBe(1);
    const atCap = `vllm:num_requests_running{model_name="${'x'.repeat(MAX_SAMPLE_LINE_CHARS - 45)}"} 50`;
    expect(atCap.length).toBeLessThanOrEqual(MAX_SAMPLE_LINE_CHARS);
    expect(sumGaugeSamples(`${atCap}\n`, VLLM_LOAD)).toBe(50);
  });
});
