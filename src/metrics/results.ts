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

/**
 * A metric's trend over the run: a least-squares line through the interval windows (value vs
 * window midpoint, weighted by the window's samples). null when fewer than 3 windows qualify or
 * they span less than 3 intervals.
 */
export interface DriftLine {
  /** ms for latencies, fraction (0..1) for errorRate, per_second for rps and outputTokensPerSecond */
  unit: 'ms' | 'fraction' | 'per_second';
  /** slope in the metric's unit per hour (ms/h, fraction/h, (1/s)/h); negative = falling */
  perHour: number;
  /** perHour ÷ the fitted value at the first used window × 100 (%/h); null when that value is ≤ 0 */
  relativePerHour: number | null;
  /** fitted values at the first and last used window's midpoint */
  start: number;
  end: number;
  /** those midpoints, seconds from the run's start (where the fitted line begins and ends) */
  from?: number;
  to?: number;
  /** windows used in the fit */
  windows: number;
}

export interface DriftSummary {
  /** the interval window length the fit used (ms) */
  windowMs: number;
  /** keyed by drift metric: ttft.p95, e2e.p99, errorRate, rps, outputTokensPerSecond, ... */
  metrics: Record<string, DriftLine | null>;
}

/** Latency metrics each interval window keeps its own histogram of, as the run does. */
export const WINDOW_METRICS = ['ttft', 'e2e', 'tpot', 'itl'] as const;
export type WindowMetric = (typeof WINDOW_METRICS)[number];

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
  /** time per output token of the window's requests (ms), as the run's tpot */
  tpot?: MetricSummary | null;
  /** gaps between consecutive tokens of the window's requests (ms), as the run's itl */
  itl?: MetricSummary | null;
}

/** An estimate of what a run's tokens cost (USD, rounded to 6 decimals). */
export interface CostSummary {
  currency: 'USD';
  /** scenario: the scenario's `pricing` section; built-in: the list-price table (src/metrics/pricing.ts) */
  source: 'scenario' | 'built-in';
  /** the price-table entry used (built-in, e.g. gpt-4o-mini for gpt-4o-mini-2024-07-18), or the target model (scenario) */
  model: string;
  /** USD per 1M tokens */
  prices: { input: number; cachedInput: number; output: number };
  /** uncached input tokens (tokens.input − tokens.cachedInput) at the input price */
  input: number;
  /** cached input tokens at the cached-input price (not also at the input price) */
  cachedInput: number;
  output: number;
  total: number;
  /** total ÷ successful requests; null without any */
  perRequest: number | null;
  /** of the amounts above, what the partial attempts' tokens cost (tokens.partial*) */
  partial?: number;
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
    /** this run is one shard of a split plan (`--shard 2/4`); index counts from 1 */
    shard?: { index: number; count: number };
    /** worker threads the run used */
    workers?: number;
    /** written by `llm-bench merge`: how many results were merged into this one */
    mergedFrom?: number;
  };
  metrics: MetricsByLabel;
  counts: Counts;
  tokens: {
    /** prompt tokens, cached ones included (usage.prompt_tokens) */
    input: number;
    /** of `input`, the tokens the server read from its prompt cache (usage.prompt_tokens_details.cached_tokens) */
    cachedInput: number;
    output: number;
    /** Where output counts came from: usage (server), tiktoken (counted), mixed, none. */
    outputSource: 'usage' | 'tiktoken' | 'mixed' | 'none';
    /** Planned input/output budget of all prompts the plan sent. */
    plannedInput: number;
    plannedOutput: number;
    /** Mean tokens per content event; > 1 means the server batches tokens into chunks. */
    tokensPerEvent: number | null;
    /**
     * Attempts that failed after a 2xx response had streamed content (stream cut, timeout mid-answer),
     * retried ones included, and their tokens (usage when sent, else the prompt's count and the
     * output received). Not in input/output above; billed all the same, so `cost` counts them.
     */
    partialAttempts?: number;
    partialInput?: number;
    /** of partialInput, read from the prompt cache (when a failed attempt's usage said so) */
    partialCachedInput?: number;
    partialOutput?: number;
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
  /** slopes over the interval windows (runs with ≥ 3 windows): the scenario's drift metrics plus ttft.p95, e2e.p95, errorRate */
  drift?: DriftSummary;
  /** present with a chaos section: where the proxy ran and every episode as applied (ms from the run's start) */
  chaos?: {
    toxiproxy: string | null;
    episodes: Array<{ name: string; kind: string; start: number; end: number | null; what: string; error?: string }>;
  };
  /** what the run's tokens cost — successful requests' and partial attempts' (cost.partial): with a scenario `pricing` section, else at the model's built-in list price; absent when neither is known */
  cost?: CostSummary;
  /** present when the scenario paces: the limits the client worked to and the last x-ratelimit-* seen */
  pacing?: {
    limits: { rpm: number | null; tpm: number | null };
    lastObserved: Record<string, number> | null;
    minRemainingTokens: number | null;
    minRemainingRequests: number | null;
  };
  /** present when the run calibrated the path first: baseline network round trips to the target */
  calibration?: { rtt: RttCalibration };
}

/**
 * Baseline round trips to the target, measured before the run: fresh TCP connects (the
 * SYN/SYN-ACK), then sequential GET <url>/models on one keep-alive connection. ms.
 */
export interface RttCalibration {
  url: string;
  samples: number;
  connectMs: { min: number; median: number; max: number } | null;
  /** the first GET, which also opened the connection (and did TLS) */
  firstRequestMs: number | null;
  /** the remaining GETs on the warm connection, request start to body end */
  requestMs: { min: number; median: number; max: number } | null;
  path: string;
  /** the last GET's HTTP status (any status counts as a round trip) */
  status: number | null;
  /** a network failure or the time budget ended calibration early; the fields hold what was measured */
  error?: string;
}
