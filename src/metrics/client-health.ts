/**
 * The generator watches itself: event-loop delay, how late arrivals were dispatched, and
 * how busy its event loop was. When these are high the client, not the target, shaped the numbers — and the
 * results say so instead of reporting a slow server.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { newHistogram, recordMs, type Histogram } from './hdr.js';

const RESOLUTION_MS = 10;

/** Above these the client is called saturated (generous: a loaded 2-core CI box stays below). */
export const SATURATION = {
  eventLoopDelayP99Ms: 50,
  scheduleSlipP99Ms: 20,
  /** share of wall time the client's event loop was busy (per thread, unlike process CPU) */
  eventLoopUtilization: 0.9,
} as const;

export interface ClientHealth {
  eventLoopDelayP99Ms: number;
  scheduleSlipP99Ms: number;
  eventLoopUtilization: number;
  saturated: boolean;
  reasons: string[];
}

export class ClientMonitor {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly slip: Histogram = newHistogram();
  private eluStart: EventLoopUtilization = performance.eventLoopUtilization();

  start(): void {
    this.loop.enable();
    this.eluStart = performance.eventLoopUtilization();
  }

  recordSlip(ms: number): void {
    recordMs(this.slip, ms);
  }

  /** A cheap live view for progress displays: is the client behind right now? */
  liveSaturated(): boolean {
    const slipP99 = this.slip.totalCount > 0 ? this.slip.getValueAtPercentile(99) / 1000 : 0;
    const loopP99 = this.loop.count > 0 ? this.loop.percentile(99) / 1e6 - RESOLUTION_MS : 0;
    return slipP99 > SATURATION.scheduleSlipP99Ms || loopP99 > SATURATION.eventLoopDelayP99Ms;
  }

  stop(): ClientHealth {
    this.loop.disable();
    const elu = performance.eventLoopUtilization(this.eluStart).utilization;
    // The monitor reports the whole timer period; the delay is what exceeds the resolution.
    const loopP99 = this.loop.count > 0 ? Math.max(0, this.loop.percentile(99) / 1e6 - RESOLUTION_MS) : 0;
    const slipP99 = this.slip.totalCount > 0 ? this.slip.getValueAtPercentile(99) / 1000 : 0;
    const reasons = saturationReasons({ eventLoopDelayP99Ms: loopP99, scheduleSlipP99Ms: slipP99, eventLoopUtilization: elu });
    return {
      eventLoopDelayP99Ms: round2(loopP99),
      scheduleSlipP99Ms: round2(slipP99),
      eventLoopUtilization: round2(elu),
      saturated: reasons.length > 0,
      reasons,
    };
  }
}

/** Why the client was the bottleneck, from its figures (empty when it was not). */
export function saturationReasons(c: Pick<ClientHealth, 'eventLoopDelayP99Ms' | 'scheduleSlipP99Ms' | 'eventLoopUtilization'>): string[] {
  const reasons: string[] = [];
  if (c.eventLoopDelayP99Ms > SATURATION.eventLoopDelayP99Ms) {
    reasons.push(`event-loop delay p99 ${c.eventLoopDelayP99Ms.toFixed(1)} ms > ${SATURATION.eventLoopDelayP99Ms} ms`);
  }
  if (c.scheduleSlipP99Ms > SATURATION.scheduleSlipP99Ms) {
    reasons.push(`arrivals dispatched late: p99 ${c.scheduleSlipP99Ms.toFixed(1)} ms > ${SATURATION.scheduleSlipP99Ms} ms`);
  }
  if (c.eventLoopUtilization > SATURATION.eventLoopUtilization) {
    reasons.push(`client event loop busy ${(c.eventLoopUtilization * 100).toFixed(0)}% of the time > ${SATURATION.eventLoopUtilization * 100}%`);
  }
  return reasons;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
