import { startRunLoop } from '../../src/load/run-loop.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { HttpTransport } from '../../src/protocols/http-transport.js';
import { protocolFor } from '../../src/protocols/index.js';
import type { RequestRecord } from '../../src/record.js';
import type { LoadSpec, TargetSpec } from '../../src/types.js';

/** Runs the measurement core (plan → transport → recorder) against a URL, keeping every record. */
export async function runCore(target: TargetSpec, load: LoadSpec, connections?: number) {
  const protocol = protocolFor(target);
  const prepared = protocol.prepare({
    id: 'p',
    messages: [{ role: 'user', content: 'Count to twenty.' }],
    maxOutputTokens: 64,
    inputTokens: 12,
  });
  const transport = new HttpTransport({ target, protocol, connections: connections ?? load.maxInFlight, apiKey: undefined });
  const recorder = new MetricsRecorder({ model: target.model, phaseNames: load.phases.map((p) => p.name) });
  const records: RequestRecord[] = [];
  let dropped = 0;
  try {
    const loop = startRunLoop(
      { load, seed: 1, promptCount: 1 },
      {
        send: (rec, done) => transport.send(rec, prepared, done),
        inFlight: () => transport.inFlightCount,
        onComplete: (rec) => {
          records.push(rec);
          recorder.recordRequest(rec);
        },
        onDropped: (phase) => {
          dropped++;
          recorder.recordDropped(phase);
        },
        onSlip: () => undefined,
      },
    );
    await loop.finished;
    await transport.drain(target.timeout);
  } finally {
    await transport.close();
  }
  return { recorder, records, dropped };
}
