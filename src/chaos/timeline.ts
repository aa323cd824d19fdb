/**
 * Plays the chaos episodes against the run's clock: each starts and ends on schedule, and
 * what really happened (when, and what) is stamped for the results. HTTP episodes that
 * overlap are applied together; network episodes go to Toxiproxy one toxic each.
 */
import type { ChaosEpisode, MockFaultSpec } from '../types.js';
import { episodeDuring } from './episode-labels.js';
import type { ToxiproxyControl } from './toxiproxy-control.js';

export interface EpisodeStamp {
  name: string;
  kind: ChaosEpisode['kind'];
  /** ms from the run's start, as applied (planned: at, at + for) */
  start: number;
  end: number | null;
  what: string;
  error?: string;
}

export interface HttpFaultTarget {
  setFaults(specs: MockFaultSpec[]): Promise<void>;
}

export interface ChaosTimeline {
  readonly stamps: EpisodeStamp[];
  /**
   * The episode a request lived through, for labels: the latest-starting episode that overlaps
   * [from, to] (ms from the run's start) — a request cut when the proxy went down belongs to the outage.
   */
  episodeDuring(from: number, to: number): string | null;
  /** Ends every active episode now (toxics removed, proxy enabled, faults cleared). */
  stop(): Promise<void>;
}

function describe(e: ChaosEpisode): string {
  if (e.kind === 'toxic') return `${e.toxic.type} ${JSON.stringify(e.toxic.attributes)} ${e.toxic.stream}${e.toxic.toxicity < 1 ? ` toxicity ${e.toxic.toxicity}` : ''}`;
  if (e.kind === 'down') return 'proxy disabled: connections refused';
  return JSON.stringify(e.fault);
}

export function startChaosTimeline(opts: {
  episodes: ChaosEpisode[];
  /** performance.now() of the run's start */
  t0: number;
  network: ToxiproxyControl | null;
  http: HttpFaultTarget | null;
  onError?: (message: string) => void;
}): ChaosTimeline {
  const { episodes, t0 } = opts;
  const stamps: EpisodeStamp[] = [];
  const active = new Map<ChaosEpisode, EpisodeStamp>();
  const timers = new Set<NodeJS.Timeout>();
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const now = (): number => performance.now() - t0;

  // Toxiproxy calls are serialised so an end never overtakes its start.
  const run = (what: () => Promise<void>, stamp: EpisodeStamp): void => {
    chain = chain.then(what).catch((err: Error) => {
      stamp.error = err.message;
      opts.onError?.(`chaos episode ${stamp.name}: ${err.message}`);
    });
  };
  const httpFaults = (): MockFaultSpec[] => [...active.keys()].flatMap((e) => (e.kind === 'http' ? [e.fault] : []));

  const begin = (e: ChaosEpisode): void => {
    if (stopped) return;
    const stamp: EpisodeStamp = { name: e.name, kind: e.kind, start: now(), end: null, what: describe(e) };
    stamps.push(stamp);
    active.set(e, stamp);
    if (e.kind === 'toxic') run(() => opts.network!.addToxic(e.name, e.toxic), stamp);
    else if (e.kind === 'down') run(() => opts.network!.setEnabled(false), stamp);
    else run(() => opts.http!.setFaults(httpFaults()), stamp);
  };
  const finish = (e: ChaosEpisode): void => {
    const stamp = active.get(e);
    if (!stamp) return;
    active.delete(e);
    stamp.end = now();
    if (e.kind === 'toxic') run(() => opts.network!.removeToxic(e.name), stamp);
    else if (e.kind === 'down') {
      // Enabled again only when no other down episode is still on.
      if (![...active.keys()].some((o) => o.kind === 'down')) run(() => opts.network!.setEnabled(true), stamp);
    } else run(() => opts.http!.setFaults(httpFaults()), stamp);
  };

  for (const e of episodes) {
    const at = (ms: number, fn: () => void): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, Math.max(0, t0 + ms - performance.now()));
      timers.add(timer);
    };
    at(e.at, () => begin(e));
    at(e.at + e.for, () => finish(e));
  }

  return {
    stamps,
    episodeDuring: (from, to) => episodeDuring(episodes, from, to),
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const e of [...active.keys()]) finish(e);
      await chain;
    },
  };
}
