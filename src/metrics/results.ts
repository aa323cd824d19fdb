/**
 * results.json — a contract CI scripts depend on. Add fields; never rename or remove.
 */

export type ErrorClass =
  | 'http_4xx'
  | 'http_429'
  | 'http_5xx'
  | 'timeout'
  | 'network'
  | 'stream_cut'
  | 'bad_response';

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'http_4xx',
  'http_429',
  'http_5xx',
  'timeout',
  'network',
  'stream_cut',
  'bad_response',
];

/** Summary of one HDR histogram. Latencies are reported in milliseconds. */
export interface MetricSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  unit: 'ms';
  /** HdrHistogram compressed base64 (values recorded in microseconds). */
  hdr: string;
}

/** metrics.<metric>.<label> where label is `all`, `model=<m>`, `phase=<name>`. */
export type MetricsByLabel = Record<string, Record<string, MetricSummary>>;

export interface Counts {
  /** Arrivals the plan asked for that were sent (ok + failed). */
  requests: number;
  ok: number;
  failed: number;
  /** Arrivals not sent because maxInFlight was reached. */
  dropped: number;
  /** attempts that failed and were tried again (not in failed: only a request's last outcome is) */
  retries: number;
  /** how many requests took 1, 2, 3… attempts */
  attemptsPerRequest: Record<string, number>;
  retriedByClass: Record<ErrorClass, number>;
  byClass: Record<ErrorClass, number>;
  /** Per-label counts (same labels as metrics). */
  byLabel: Record<string, { requests: number; ok: number; failed: number; dropped: number }>;
}

export interface ThresholdVerdict {
  metric: string;
  expr: string;
  /** The observed value in the threshold's unit (ms, or a fraction for rates); null when no data. */
  actual: number | null;
  pass: boolean;
  field?: string;
}

/** One interval window of the run (seconds from the run's start). */
export interface IntervalWindow {
  start: number;
  length: number;
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
  byClass: Partial<Record<ErrorClass, number>>;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  /** most requests the client held at once during the window */
  inFlightMax: number;
  rateLimitRemainingTokens: number | null;
  /** the window's own histograms (ms; hdr = compressed base64 of µs) */
  ttft: MetricSummary | null;
  e2e: MetricSummary | null;
}

export interface Results {
  meta: {
    tool: 'llm-bench';
    version: string;
    scenario: string;
    scenarioFile: string;
    scenarioHash: string;
    seed: number;
    node: string;
    host: string;
    platform: string;
    startedAt: string;
    endedAt: string;
    durationMs: number;
    plannedDurationMs: number;
    target: { kind: string; url: string; api: string; model: string };
    /** the run was interrupted (SIGINT/SIGTERM): results cover what happened until then */
    partial: boolean;
    partialReason?: string;
  };
  metrics: MetricsByLabel;
  counts: Counts;
  tokens: {
    input: number;
    output: number;
    /** Where output counts came from: usage (server), tiktoken (counted), mixed, none. */
    outputSource: 'usage' | 'tiktoken' | 'mixed' | 'none';
    /** Planned input/output budget of all prompts the plan sent. */
    plannedInput: number;
    plannedOutput: number;
    /** Mean tokens per content event; > 1 means the server batches tokens into chunks. */
    tokensPerEvent: number | null;
  };
  throughput: {
    requestsPerSecond: number;
    outputTokensPerSecond: number;
  };
  errorRate: number;
  /** planned = arrivals the open-loop plan holds; null for closed phases. */
  phases: Array<{ name: string; kind: 'open' | 'closed'; startMs: number; durationMs: number; planned: number | null }>;
  thresholds: ThresholdVerdict[];
  client: {
    eventLoopDelayP99Ms: number;
    scheduleSlipP99Ms: number;
    /** 0..1: share of the run the client's event loop was busy */
    eventLoopUtilization: number;
    saturated: boolean;
    reasons: string[];
  };
  errors: Array<{ class: ErrorClass; status?: number; message: string; count: number }>;
  /** with an slo section: requests that met every SLO ÷ everything that arrived (failed and dropped count as misses) */
  goodput?: {
    slo: { ttftMs?: number; e2eMs?: number; tpotMs?: number };
    good: number;
    total: number;
    rate: number;
    perSecond: number;
  };
  /** per-interval windows (output.interval, default 1 s; 10 s for runs of an hour or more) */
  series: { intervalMs: number; windows: IntervalWindow[] };
  /** present with a chaos section: where the proxy ran and every episode as applied (ms from the run's start) */
  chaos?: {
    toxiproxy: string | null;
    episodes: Array<{ name: string; kind: string; start: number; end: number | null; what: string; error?: string }>;
  };
  /** present when the scenario paces: the limits the client worked to and the last x-ratelimit-* seen */
  pacing?: {
    limits: { rpm: number | null; tpm: number | null };
    lastObserved: Record<string, number> | null;
    minRemainingTokens: number | null;
    minRemainingRequests: number | null;
  };
}
