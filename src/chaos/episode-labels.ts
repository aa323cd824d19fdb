/**
 * Labels a request with the chaos episode it lived through, from the episodes' schedule:
 * the latest-starting episode overlapping [from, to] (ms from the run's start) — a request
 * cut when the proxy went down belongs to the outage. Worker threads label from the schedule
 * alone, so their labels equal the parent's.
 */
import type { ChaosEpisode } from '../types.js';

export function episodeDuring(episodes: readonly ChaosEpisode[], from: number, to: number): string | null {
  let best: ChaosEpisode | null = null;
  for (const e of episodes) if (to >= e.at && from < e.at + e.for && (!best || e.at >= best.at)) best = e;
  return best?.name ?? null;
}

export function plannedEpisodeDuring(episodes: readonly ChaosEpisode[]): (from: number, to: number) => string {
  return (from, to) => episodeDuring(episodes, from, to) ?? 'none';
}
