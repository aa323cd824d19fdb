import { describe, expect, it } from 'vitest';
import { SseDecoder } from './sse.js';

function collect() {
  const events: Array<{ data: string; event: string | null; t: number }> = [];
  const dec = new SseDecoder((data, event, t) => events.push({ data, event, t }));
  return { events, dec };
}

describe('SseDecoder', () => {
  it('stamps every event of one read with that read\'s arrival time', () => {
    const { events, dec } = collect();
    dec.push(Buffer.from('data: a\n\ndata: b\n\ndata: c'), 10);
    dec.push(Buffer.from('\n\n'), 20);
    expect(events).toEqual([
      { data: 'a', event: null, t: 10 },
      { data: 'b', event: null, t: 10 },
      // an event completes when its blank line arrives
      { data: 'c', event: null, t: 20 },
    ]);
  });

  it('handles CRLF, comments, event names, multi-line data and a missing space', () => {
    const { events, dec } = collect();
    dec.push(Buffer.from(': keep-alive\r\nevent: response.created\r\ndata: {"x":1}\r\n\r\ndata:one\ndata: two\n\n'), 1);
    expect(events).toEqual([
      { data: '{"x":1}', event: 'response.created', t: 1 },
      { data: 'one\ntwo', event: null, t: 1 },
    ]);
  });

  it('reassembles UTF-8 split across reads', () => {
    const { events, dec } = collect();
    const bytes = Buffer.from('data: héllo ✓\n\n');
    dec.push(bytes.subarray(0, 8), 1);
    dec.push(bytes.subarray(8, 15), 2);
    dec.push(bytes.subarray(15), 3);
    expect(events).toEqual([{ data: 'héllo ✓', event: null, t: 3 }]);
  });

  it('flushes an unterminated last event at end of body', () => {
    const { events, dec } = collect();
    dec.push(Buffer.from('data: [DONE]'), 5);
    dec.end(6);
    expect(events).toEqual([{ data: '[DONE]', event: null, t: 6 }]);
  });
});
