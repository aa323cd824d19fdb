/**
 * Turns finished RequestRecords into HDR histograms per metric × label, counts and tokens.
 * Memory is constant in the number of requests: nothing per request is kept.
 */
import type { RequestRecord } from '../record.js';
import { newHistogram, recordMs, summarize, type Histogram } from './hdr.js';
import { IntervalSeries } from './interval-series.js';
import { ERROR_CLASSES, type Counts, type ErrorClass, type MetricsByLabel } from './results.js';

export const LATENCY_METRICS = [
  'queue',
  'send',
  'dns',
  'connect',
  'tls',
  'ttfb',
  'ttft',
  'itl',
  'tpot',
  'e2e',
  'ttft_from_intended',
  'e2e_from_intended',
  'e2e_first_attempt',
] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

interface LabelCounts {
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
}

const MAX_ERROR_KINDS = 50;

export interface RecorderOptions {
  model: string;
  phaseNames: string[];
  /** counts output tokens of JSON-escaped pieces when the server sent no usage */
  countTokens?: (escapedPieces: string[]) => number;
  /** the prompt's precomputed input tokens, used when the server sent no usage */
  inputTokensOf?: (promptIndex: number) => number;
  /** tenant names; each request is also labelled `tenant=<name>` */
  tenantNames?: string[];
  /** the chaos episode a request lived through: labelled `episode=<name>` */
  episodeOf?: (rec: RequestRecord) => string;
  /** per-request SLOs (ms): requests meeting all of them are counted as good */
  slo?: { ttft?: number; e2e?: number; tpot?: number };
  /** keep per-interval windows of this length, counted from performance.now() `t0` */
  series?: { intervalMs: number; t0: number };
}

export class MetricsRecorder {
  private readonly hists = new Map<LatencyMetric, Map<string, Histogram>>();
  private readonly labelsByPhase: string[][][];
  private readonly labelCounts = new Map<string, LabelCounts>();
  private readonly byClass = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>;
  private readonly errorKinds = new Map<string, { class: ErrorClass; status?: number; message: string; count: number }>();
  readonly tokens = { input: 0, cachedInput: 0, output: 0, fromUsage: 0, fromTiktoken: 0, contentEvents: 0, eventsWithUsage: 0, outputWithUsage: 0 };
  /**
   * Attempts that failed after a 2xx and some content (a cut stream, a timeout mid-answer):
   * the provider bills what it generated, so cost counts their tokens; the metrics do not.
   */
  readonly partial = { attempts: 0, input: 0, cachedInput: 0, output: 0 };
  /** the attempt a record was counted as partial for: a retry still waiting when the run stops comes back as the request's end */
  private readonly partialCounted = new WeakMap<RequestRecord, number>();
  requests = 0;
  /** requests that met every SLO */
  good = 0;
  retries = 0;
  private readonly attempts = new Map<number, number>();
  readonly retriedByClass = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>;
  ok = 0;
  failed = 0;
  dropped = 0;

  readonly series: IntervalSeries | null;

  constructor(private readonly opts: RecorderOptions) {
    this.series = opts.series ? new IntervalSeries(opts.series.intervalMs, opts.series.t0) : null;
    // One model per run (for now): its label holds exactly what `all` holds, so it is filled
    // from `all` when results are read rather than recorded twice per event.
    const tenants = opts.tenantNames && opts.tenantNames.length > 0 ? opts.tenantNames : null;
    this.labelsByPhase = opts.phaseNames.map((p) => (tenants ? tenants.map((t) => ['all', `phase=${p}`, `tenant=${t}`]) : [['all', `phase=${p}`]]));
    for (const m of LATENCY_METRICS) this.hists.set(m, new Map());
  }

  private labels(phase: number, tenant = 0): string[] {
    return this.labelsByPhase[phase]?.[tenant] ?? ['all'];
  }

  private record(metric: LatencyMetric, labels: string[], ms: number): void {
    if (!(ms >= 0)) return; // NaN (stamp missing) or negative (clock misuse) never enters a histogram
    const byLabel = this.hists.get(metric)!;
    for (const label of labels) {
      let h = byLabel.get(label);
      if (!h) byLabel.set(label, (h = newHistogram()));
      recordMs(h, ms);
    }
  }

  private count(labels: string[], field: keyof LabelCounts): void {
    for (const label of labels) {
      let c = this.labelCounts.get(label);
      if (!c) this.labelCounts.set(label, (c = { requests: 0, ok: 0, failed: 0, dropped: 0 }));
      c[field]++;
    }
  }

  recordDropped(phase: number, tenant = 0): void {
    this.dropped++;
    this.series?.recordDropped(performance.now());
    this.count(this.labels(phase, tenant), 'dropped');
  }

  /** An attempt failed and is being retried: counted apart from the request's final outcome. */
  recordRetry(rec: RequestRecord): void {
    this.retries++;
    if (rec.errorClass) this.retriedByClass[rec.errorClass]++;
    this.countPartial(rec);
  }

  private countPartial(rec: RequestRecord): void {
    if (rec.status < 200 || rec.status >= 300 || rec.tokenTimes.length === 0) return;
    if (this.partialCounted.get(rec) === rec.attempts) return;
    this.partialCounted.set(rec, rec.attempts);
    this.partial.attempts++;
    this.partial.input += rec.usageInputTokens ?? this.opts.inputTokensOf?.(rec.promptIndex) ?? 0;
    this.partial.cachedInput += rec.usageCachedInputTokens ?? 0;
    this.partial.output +=
      rec.usageOutputTokens ?? (this.opts.countTokens && rec.contentPieces.length > 0 ? this.opts.countTokens(rec.contentPieces) : rec.tokenTimes.length);
  }

  recordRequest(rec: RequestRecord): void {
    const base = this.labels(rec.phase, rec.tenant);
    const labels = this.opts.episodeOf ? [...base, `episode=${this.opts.episodeOf(rec)}`] : base;
    this.requests++;
    this.attempts.set(rec.attempts, (this.attempts.get(rec.attempts) ?? 0) + 1);
    this.count(labels, 'requests');
    const firstDispatched = Number.isNaN(rec.firstDispatched) ? rec.dispatched : rec.firstDispatched;
    this.record('queue', labels, firstDispatched - rec.intended);
    if (!Number.isNaN(rec.firstSent)) this.record('e2e_first_attempt', labels, rec.firstEnd - rec.firstSent);
    this.record('send', labels, rec.sent - rec.dispatched);
    this.record('dns', labels, rec.dnsDone - rec.connectStart);
    this.record('connect', labels, rec.connected - (Number.isNaN(rec.dnsDone) ? rec.connectStart : rec.dnsDone));
    this.record('tls', labels, rec.tlsDone - rec.connected);
    if (rec.errorClass !== null) {
      this.failed++;
      this.count(labels, 'failed');
      this.recordError(rec);
      this.countPartial(rec);
      this.series?.record(rec, 0);
      return;
    }
    this.ok++;
    this.count(labels, 'ok');
    this.record('ttfb', labels, rec.headers - rec.sent);
    const last = Number.isNaN(rec.lastToken) ? rec.end : rec.lastToken;
    this.record('ttft', labels, rec.firstToken - rec.sent);
    this.record('e2e', labels, last - rec.sent);
    this.record('ttft_from_intended', labels, rec.firstToken - rec.intended);
    this.record('e2e_from_intended', labels, last - rec.intended);
    const times = rec.tokenTimes;
    for (let i = 1; i < times.length; i++) this.record('itl', labels, times[i]! - times[i - 1]!);

    const output = this.outputTokens(rec);
    this.series?.record(rec, output);
    const slo = this.opts.slo;
    if (slo) {
      const tpot = output > 1 ? (rec.lastToken - rec.firstToken) / (output - 1) : 0;
      if (!(rec.firstToken - rec.sent > (slo.ttft ?? Infinity)) && !(last - rec.sent > (slo.e2e ?? Infinity)) && !(tpot > (slo.tpot ?? Infinity))) this.good++;
    }
    if (output > 1) this.record('tpot', labels, (rec.lastToken - rec.firstToken) / (output - 1));
    this.tokens.output += output;
    this.tokens.contentEvents += times.length;
    if (rec.usageOutputTokens !== null) {
      this.tokens.eventsWithUsage += times.length;
      this.tokens.outputWithUsage += output;
    }
    this.tokens.input += rec.usageInputTokens ?? this.opts.inputTokensOf?.(rec.promptIndex) ?? 0;
    this.tokens.cachedInput += rec.usageCachedInputTokens ?? 0;
  }

  private outputTokens(rec: RequestRecord): number {
    if (rec.usageOutputTokens !== null) {
      this.tokens.fromUsage++;
      return rec.usageOutputTokens;
    }
    if (this.opts.countTokens && rec.contentPieces.length > 0) {
      this.tokens.fromTiktoken++;
      return this.opts.countTokens(rec.contentPieces);
    }
    return rec.tokenTimes.length;
  }

  private recordError(rec: RequestRecord): void {
    const cls = rec.errorClass!;
    this.byClass[cls]++;
    const message = (rec.errorMessage ?? cls).slice(0, 300);
    const key = `${cls}|${rec.status}|${message}`;
    const kind = this.errorKinds.get(key);
    if (kind) kind.count++;
    else if (this.errorKinds.size < MAX_ERROR_KINDS) {
      this.errorKinds.set(key, { class: cls, ...(rec.status ? { status: rec.status } : {}), message, count: 1 });
    }
  }

  histogram(metric: LatencyMetric, label = 'all'): Histogram | undefined {
    return this.hists.get(metric)?.get(label === this.modelLabel ? 'all' : label);
  }

  metrics(): MetricsByLabel {
    const out: MetricsByLabel = {};
    for (const [metric, byLabel] of this.hists) {
      if (byLabel.size === 0) continue;
      out[metric] = {};
      for (const [label, h] of byLabel) out[metric]![label] = summarize(h);
      const all = out[metric]!.all;
      if (all) out[metric]![this.modelLabel] = all;
    }
    return out;
  }

  counts(): Counts {
    return {
      requests: this.requests,
      ok: this.ok,
      failed: this.failed,
      dropped: this.dropped,
      retries: this.retries,
      attemptsPerRequest: Object.fromEntries([...this.attempts].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      retriedByClass: { ...this.retriedByClass },
      byClass: { ...this.byClass },
      byLabel: this.withModelLabel(Object.fromEntries(this.labelCounts)),
    };
  }

  private get modelLabel(): string {
    return `model=${this.opts.model}`;
  }

  private withModelLabel(byLabel: Record<string, LabelCounts>): Record<string, LabelCounts> {
    const { all, ...rest } = byLabel;
    return all ? { all, [this.modelLabel]: { ...all }, ...rest } : byLabel;
  }

  errors(): Array<{ class: ErrorClass; status?: number; message: string; count: number }> {
    return [...this.errorKinds.values()].sort((a, b) => b.count - a.count);
  }
}
