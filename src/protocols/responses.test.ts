/** The Responses API parsers fed raw bytes: which events are tokens, their stamps, how a response ends. */
import { describe, expect, it } from 'vitest';
import { newRecord, type RequestRecord } from '../record.js';
import type { TargetSpec } from '../types.js';
import { responsesProtocol } from './responses.js';
import { urlTarget } from '../../test/helpers/target.js';

const target = (stream: boolean): TargetSpec => urlTarget('http://127.0.0.1:1/v1', { api: 'responses', apiKeyEnv: 'OPENAI_API_KEY', timeout: 10_000, stream });

/** SSE text of a stream as the API frames it: `event:` equal to the JSON type, which comes first. */
function sse(events: Array<[string, Record<string, unknown>]>): string {
  return events.map(([type, rest], i) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: i, ...rest })}\n\n`).join('');
}

const USAGE = { input_tokens: 12, input_tokens_details: { cached_tokens: 4 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
const response = (status: string, extra: Record<string, unknown> = {}) => ({ id: 'resp_1', object: 'response', status, output: [], usage: null, ...extra });
const OPENING: Array<[string, Record<string, unknown>]> = [
  ['response.created', { response: response('in_progress') }],
  ['response.in_progress', { response: response('in_progress') }],
  ['response.output_item.added', { output_index: 0, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } }],
  ['response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }],
];
const delta = (text: string, type = 'response.output_text.delta'): [string, Record<string, unknown>] => [type, { item_id: 'msg_1', output_index: 0, content_index: 0, delta: text, logprobs: [] }];
const completed = (extra: Record<string, unknown> = {}): [string, Record<string, unknown>] => ['response.completed', { response: response('completed', { usage: USAGE, ...extra }) }];

/** Feeds `reads` (each with its arrival time) to a fresh stream parser, then ends the body at `endAt`. */
function parse(reads: Array<[Buffer | string, number]>, endAt = 100): RequestRecord {
  const rec = newRecord(0, 0, 0, 0);
  const parser = responsesProtocol(target(true)).parser(rec);
  for (const [bytes, t] of reads) parser.onData(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), t);
  parser.onEnd(endAt);
  return rec;
}

const whole = (text: string, t = 1): RequestRecord => parse([[text, t]]);

describe('responses stream parser', () => {
  it('stamps each delta with the read that completed it, across splits mid-event and mid-UTF-8 character', () => {
    const texts = ['Hé', 'llo 🙂', ' there'];
    const bytes = Buffer.from(sse([...OPENING, ...texts.map((x) => delta(x)), completed()]));
    const midE = bytes.indexOf(Buffer.from('é')) + 1; // inside é's two bytes
    const midSmile = bytes.indexOf(Buffer.from('🙂')) + 2; // inside the emoji's four
    const inCompleted = bytes.indexOf('event: response.completed') + 40;
    const rec = newRecord(0, 0, 0, 0);
    const parser = responsesProtocol(target(true)).parser(rec);
    parser.onData(bytes.subarray(0, midE), 1);
    // the opening events (created, in_progress, item and part added) are not tokens
    expect([rec.tokenTimes, rec.firstToken]).toEqual([[], NaN]);
    parser.onData(bytes.subarray(midE, midSmile), 2);
    parser.onData(bytes.subarray(midSmile, inCompleted), 3);
    expect(rec.end).toBeNaN();
    parser.onData(bytes.subarray(inCompleted), 4);
    parser.onEnd(5);
    expect(rec.tokenTimes).toEqual([2, 3, 3]);
    expect([rec.firstToken, rec.lastToken, rec.end]).toEqual([2, 3, 4]);
    expect(rec.contentPieces).toEqual(texts);
    expect(rec.errorClass).toBeNull();
    expect(rec.finishReason).toBe('stop');
    expect([rec.usageInputTokens, rec.usageCachedInputTokens, rec.usageOutputTokens]).toEqual([12, 4, 3]);
  });

  it('keeps escaped text as sent: quotes, backslashes, newlines, \\u escapes; an empty delta is no token', () => {
    // written by hand, as a server that escapes non-ASCII would send it
    const raw = String.raw`caf\u00e9 \"q\" back\\slash\nline\\`;
    const data = `{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"${raw}","logprobs":[]}`;
    const rec = whole(sse(OPENING) + `event: response.output_text.delta\ndata: ${data}\n\n` + sse([delta(''), delta('a\u2028b "c"'), completed()]));
    expect(rec.contentPieces).toEqual([raw, String.raw`a` + '\u2028' + String.raw`b \"c\"`]);
    expect(JSON.parse(`"${rec.contentPieces[0]}"`)).toBe('café "q" back\\slash\nline\\');
    expect(rec.tokenTimes).toHaveLength(2);
    expect(rec.errorClass).toBeNull();
  });

  it('counts refusal, reasoning and function-call argument deltas as tokens', () => {
    const rec = whole(
      sse([
        ...OPENING,
        delta('think', 'response.reasoning_summary_text.delta'),
        delta('more', 'response.reasoning_text.delta'),
        delta('{"city":', 'response.function_call_arguments.delta'),
        delta('no', 'response.refusal.delta'),
        ['response.output_item.done', { output_index: 0, item: { id: 'fc_1', type: 'function_call', arguments: '{"city":' } }],
        completed({ output: [{ type: 'function_call', name: 'f', arguments: '{"city":' }] }),
      ]),
    );
    expect(rec.contentPieces).toEqual(['think', 'more', String.raw`{\"city\":`, 'no']);
    expect(rec.tokenTimes).toHaveLength(4);
    expect(rec.finishReason).toBe('tool_calls');
  });

  it('reads spaced JSON and streams without event: lines', () => {
    const data = (type: string, rest: string) => `data: {"type": "${type}", "sequence_number": 0, ${rest}}\n\n`;
    const rec = whole(
      data('response.created', '"response": {"status": "in_progress", "output": [{"type": "message"}]}') +
        data('response.output_text.delta', '"item_id": "msg_1", "delta": "Hi \\"x\\""') +
        data('response.completed', `"response": {"status": "completed", "output": [], "usage": ${JSON.stringify(USAGE)}}`),
    );
    expect(rec.errorClass).toBeNull();
    expect(rec.contentPieces).toEqual([String.raw`Hi \"x\"`]);
    expect([rec.finishReason, rec.usageOutputTokens]).toEqual(['stop', 3]);
  });

  it('response.incomplete is complete, not an error: max_output_tokens reads as length, other reasons as sent', () => {
    const incomplete = (reason: string): [string, Record<string, unknown>] => [
      'response.incomplete',
      { response: response('incomplete', { incomplete_details: { reason }, usage: USAGE }) },
    ];
    const rec = parse([[sse([...OPENING, delta('cut'), incomplete('max_output_tokens')]), 7]], 9);
    expect([rec.errorClass, rec.finishReason, rec.end, rec.usageOutputTokens]).toEqual([null, 'length', 7, 3]);
    expect(whole(sse([...OPENING, delta('x'), incomplete('content_filter')])).finishReason).toBe('content_filter');
  });

  it('an error event or response.failed is a cut stream, with the server\'s message', () => {
    const nested = whole(sse([...OPENING, delta('x'), ['error', { error: { type: 'server_error', code: 'server_error', message: 'The server had an error', param: null } }]]));
    expect([nested.errorClass, nested.errorMessage, nested.tokenTimes.length]).toEqual(['stream_cut', 'The server had an error', 1]);
    const flat = whole(sse([...OPENING, ['error', { code: 'rate_limit_exceeded', message: 'Slow down', param: null }]]));
    expect([flat.errorClass, flat.errorMessage]).toEqual(['stream_cut', 'Slow down']);
    const failed = parse([[sse([...OPENING, delta('x'), ['response.failed', { response: response('failed', { error: { code: 'server_error', message: 'boom' } }) }]]), 6]], 9);
    expect([failed.errorClass, failed.errorMessage, failed.end]).toEqual(['stream_cut', 'boom', 6]);
    // a proxy's bare {"error":{...}} with no event line and no type: an API error, as chat reads it
    const bare = whole(sse([...OPENING, delta('x')]) + 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n');
    expect([bare.errorClass, bare.errorMessage, bare.tokenTimes.length]).toEqual(['stream_cut', 'overloaded', 1]);
  });

  it('a body that ends without a terminal event is a cut stream, ended at the body end', () => {
    const rec = parse([[sse([...OPENING, delta('a'), delta('b')]), 3]], 8);
    expect([rec.errorClass, rec.errorMessage, rec.end]).toEqual(['stream_cut', 'stream ended before response.completed', 8]);
    expect(rec.tokenTimes).toEqual([3, 3]);
  });

  it('a truncated delta or a garbled terminal event is a bad response; nothing after it counts', () => {
    const broken = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":\n\n';
    const rec = whole(sse([...OPENING, delta('a')]) + broken + sse([delta('b'), completed()]));
    expect([rec.errorClass, rec.tokenTimes.length, rec.usageOutputTokens]).toEqual(['bad_response', 1, null]);
    expect(rec.errorMessage).toMatch(/^malformed response\.output_text\.delta event/);
    const garbled = whole(sse([...OPENING, delta('a')]) + 'event: response.completed\ndata: {"type":"response.completed","response":{"usage":\n\n');
    expect([garbled.errorClass, garbled.finishReason]).toEqual(['bad_response', null]);
    // two objects in one data field are not one event
    expect(whole(sse(OPENING) + 'event: response.output_text.delta\ndata: {"delta":"a"}{"delta":"b"}\n\n').errorClass).toBe('bad_response');
  });

  it('ignores whatever follows the terminal event', () => {
    const rec = parse([[sse([...OPENING, delta('a'), completed()]), 2], [sse([delta('late')]) + 'data: [DONE]\n\n', 3]], 4);
    expect([rec.errorClass, rec.tokenTimes, rec.end]).toEqual([null, [2], 2]);
  });
});

describe('responses body parser (stream: false)', () => {
  const body = (obj: unknown, t = 5): RequestRecord => {
    const rec = newRecord(0, 0, 0, 0);
    const parser = responsesProtocol(target(false)).parser(rec);
    const bytes = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj));
    parser.onData(bytes.subarray(0, 7), 1);
    parser.onData(bytes.subarray(7), 2);
    parser.onEnd(t);
    return rec;
  };

  it('reads text, refusals, reasoning and calls from the output items, with usage; the answer lands at the body end', () => {
    const rec = body({
      status: 'completed',
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm' }] },
        { type: 'message', content: [{ type: 'output_text', text: 'Hi "there"\n' }, { type: 'refusal', refusal: 'no' }] },
      ],
      usage: USAGE,
    });
    expect(rec.errorClass).toBeNull();
    expect(rec.contentPieces).toEqual(['hmm', String.raw`Hi \"there\"\n`, 'no']);
    expect([rec.firstToken, rec.lastToken, rec.end, rec.finishReason, rec.usageOutputTokens]).toEqual([5, 5, 5, 'stop', 3]);
    expect(body({ status: 'completed', output: [{ type: 'function_call', arguments: '{}' }] }).finishReason).toBe('tool_calls');
    expect(body({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [] }).finishReason).toBe('length');
  });

  it('not JSON, or no output, is a bad response; a failed response is an error with its message', () => {
    expect([body('{"output":[').errorClass, body('{"output":[').errorMessage]).toEqual(['bad_response', 'response body is not JSON']);
    expect(body({ id: 'resp_1', status: 'completed' }).errorMessage).toBe('response has no output');
    const failed = body({ status: 'failed', output: [], error: { code: 'server_error', message: 'boom' } });
    expect([failed.errorClass, failed.errorMessage]).toEqual(['stream_cut', 'boom']);
  });
});
