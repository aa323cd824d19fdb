/**
 * Content pieces are kept until a request ends (to count output tokens when the server sends no
 * usage). A piece cut from a socket read must not keep the whole read alive: with 200 streams
 * in flight, each given four 64 KB reads, that held ~60 MB.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { urlTarget } from '../../test/helpers/target.js';
import { newRecord, type RequestRecord } from '../record.js';
import { chatProtocol } from './chat.js';
import { responsesProtocol } from './responses.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const STREAMS = 200;
const READS = 4;
/** 20-character pieces: long enough that a slice of them would be a view into the read */
const PIECE = 'twenty characters ok';

function chatRead(i: number): Buffer {
  const chunk = (n: number) =>
    `data: {"id":"chatcmpl-${i}","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${PIECE}"},"logprobs":null,"finish_reason":null,"n":${n}}]}\n\n`;
  let s = '';
  for (let n = 0; s.length < 64 * 1024; n++) s += chunk(n);
  return Buffer.from(s);
}

function responsesRead(i: number): Buffer {
  let s = '';
  for (let n = 0; s.length < 64 * 1024; n++) {
    s += `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${n},"item_id":"msg_${i}","output_index":0,"content_index":0,"delta":"${PIECE}","logprobs":[]}\n\n`;
  }
  return Buffer.from(s);
}

function heldAfter(api: 'chat' | 'responses'): number {
  const target = urlTarget('http://127.0.0.1:1/v1', { api });
  const protocol = api === 'chat' ? chatProtocol(target) : responsesProtocol(target);
  gc();
  const before = process.memoryUsage().heapUsed;
  const records: RequestRecord[] = [];
  for (let i = 0; i < STREAMS; i++) {
    const rec = newRecord(i, 0, 0, 0);
    const parser = protocol.parser(rec);
    for (let r = 0; r < READS; r++) parser.onData(api === 'chat' ? chatRead(i) : responsesRead(i), r);
    records.push(rec); // still in flight: no end yet
  }
  gc();
  const held = process.memoryUsage().heapUsed - before;
  expect(records.every((r) => r.contentPieces.length > 1000 && r.contentPieces[0] === PIECE)).toBe(true);
  return held / 1e6;
}

describe('content pieces hold only themselves', () => {
  // 200 × 4 × 64 KB = 51 MB of reads went through. Measured: ~26 MB held (the pieces, their
  // stamps and arrays); ~68 MB when each piece was a view into its read.
  it.each(['chat', 'responses'] as const)('%s: 200 streams in flight after four 64 KB reads each hold well under the reads', (api) => {
    expect(heldAfter(api)).toBeLessThan(45);
  });
});
