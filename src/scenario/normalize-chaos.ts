/** The validated `chaos:` section → ChaosSpec (durations in ms, one fault spec per HTTP episode). Pure. */
import type { ChaosEpisode, ChaosSpec, MockFaultSpec } from '../types.js';
import type { RawChaos } from './chaos-schema.js';
import { formatDuration, parseDuration } from './duration.js';

type RawEpisode = RawChaos['episodes'][number];

function httpFault(h: NonNullable<RawEpisode['http']>): MockFaultSpec {
  const rate = h.rate;
  if (h.status !== undefined) return h.code ? { type: 'status', status: h.status, code: h.code, rate } : { type: 'status', status: h.status, rate };
  if (h.cut) return { type: 'cut', afterEvents: h.cut.afterEvents, rate };
  if (h.stall !== undefined) return { type: 'stall', ms: parseDuration(h.stall), rate };
  if (h.slowHeaders !== undefined) return { type: 'slowHeaders', ms: parseDuration(h.slowHeaders), rate };
  return { type: 'malformed', atEvent: h.malformed?.atEvent ?? 1, rate };
}

function kindName(e: RawEpisode): string {
  if (e.toxic) return e.toxic.type;
  if (e.down) return 'down';
  const h = e.http!;
  return h.status !== undefined ? `http${h.status}` : h.cut ? 'cut' : h.stall !== undefined ? 'stall' : h.slowHeaders !== undefined ? 'slow_headers' : 'malformed';
}

export function normalizeChaos(raw: RawChaos): ChaosSpec {
  const episodes = raw.episodes.map((e): ChaosEpisode => {
    const at = parseDuration(e.at);
    const base = { name: e.name ?? `${kindName(e)}@${formatDuration(at)}`, at, for: parseDuration(e.for) };
    if (e.toxic) return { ...base, kind: 'toxic', toxic: { type: e.toxic.type, attributes: e.toxic.attributes, stream: e.toxic.stream, toxicity: e.toxic.toxicity } };
    if (e.down) return { ...base, kind: 'down' };
    return { ...base, kind: 'http', fault: httpFault(e.http!) };
  });
  return raw.toxiproxy ? { toxiproxyUrl: raw.toxiproxy.url, episodes } : { episodes };
}
