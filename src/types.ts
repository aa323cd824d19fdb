/**
 * Shapes that cross stage boundaries. Each stage owns its internals; only what flows
 * from one folder to the next lives here.
 */

/** Durations are normalised to milliseconds when the scenario loads. */
export type Millis = number;

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string;
  name?: string;
  tool_call_id?: string;
}

/** One prompt with its token budget computed before the run. */
export interface Prompt {
  id: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  /** Chat-formatted input tokens (tiktoken, with per-message overhead). */
  inputTokens: number;
}

export interface SyntheticSpec {
  inputTokens: { mean: number; stddev: number };
  outputTokens: { mean: number; stddev: number };
  count: number;
}

export interface DatasetSpec {
  /** Absolute path of a JSONL file (resolved against the scenario file). */
  file?: string;
  synthetic?: SyntheticSpec;
  maxOutputTokens: number;
  order: 'sequential' | 'shuffle';
}

export interface TtftSpec {
  median: Millis;
  p99: Millis;
}

/** One model's behaviour in the mock; unset fields keep the built-in profile's. */
export interface ModelProfileOverride {
  ttft?: TtftSpec;
  /** extra TTFT per input token (prefill) */
  prefillPerToken?: Millis;
  tokensPerSecond?: number;
  /** relative spread of the gaps between tokens */
  jitter?: number;
  tokensPerChunk?: number;
  /** hidden reasoning tokens per visible output token */
  reasoningRatio?: number;
  /** false: refuses stream: true */
  stream?: boolean;
}

interface FaultWhen {
  /** probability per request */
  rate?: number;
  /** window in ms since the mock started */
  from?: Millis;
  to?: Millis;
}

export type MockFaultSpec =
  | ({ type: 'status'; status: 429 | 500 | 502 | 503; code?: 'rate_limit_exceeded' | 'insufficient_quota' } & FaultWhen)
  | ({ type: 'cut'; afterEvents: number } & FaultWhen)
  | ({ type: 'stall'; ms: Millis } & FaultWhen)
  | ({ type: 'slowHeaders'; ms: Millis } & FaultWhen)
  | ({ type: 'malformed'; atEvent?: number } & FaultWhen);

export interface MockOptions {
  /** overrides every model's TTFT when set */
  ttft?: TtftSpec;
  /** overrides every model's token rate when set; 0 = no delay */
  tokensPerSecond?: number;
  tokensPerChunk?: number;
  /** Output length when the request names no max tokens. */
  defaultOutputTokens: number;
  seed: number;
  models?: Record<string, ModelProfileOverride>;
  /** window: ms of the minute's budget the bucket holds (sub-minute enforcement) */
  rateLimits?: { rpm?: number; tpm?: number; window?: Millis };
  faults?: MockFaultSpec[];
  /** absolute path of the server-side truth log (JSONL) */
  truthLog?: string;
}

export interface HttpOptions {
  /** HTTP/2 via ALPN on https targets (undici allowH2) */
  h2: boolean;
  /** skip TLS certificate verification */
  insecure?: boolean;
  /** undici pool size; default = maxInFlight for HTTP/1.1. */
  connections?: number;
}

export interface TargetSpec {
  kind: 'mock' | 'url';
  /** Base URL including /v1. For kind mock it is filled in once the mock listens. */
  url: string;
  /** chat: POST /chat/completions; responses: POST /responses */
  api: 'chat' | 'responses';
  model: string;
  apiKeyEnv: string;
  timeout: Millis;
  stream: boolean;
  streamUsage: boolean;
  http: HttpOptions;
  /** Extra request headers (never logged if they look like credentials). */
  headers: Record<string, string>;
}

export type Arrival = 'constant' | 'poisson' | 'gamma';

export interface OpenPhase {
  kind: 'open';
  name: string;
  duration: Millis;
  arrival: Arrival;
  /** requests/s at the phase start */
  rate: number;
  /** requests/s at the phase end (linear ramp); equals rate when absent */
  rampTo: number;
  /** gamma shape: < 1 burstier than poisson, 1 = poisson, > 1 smoother */
  burstiness: number;
}

export interface ClosedPhase {
  kind: 'closed';
  name: string;
  duration: Millis;
  concurrency: number;
}

export type Phase = OpenPhase | ClosedPhase;

/** A tenant with its own `rate`: a seeded stream of its own arrivals in every open phase. */
export interface TenantStream {
  /** index into Scenario.tenants */
  tenant: number;
  /** the tenant's name: its stream's seed is derived from it, so other tenants never shift it */
  name: string;
  /** requests/s, constant over every open phase (the phase's arrival kind and burstiness apply) */
  rate: number;
}

export interface LoadSpec {
  maxInFlight: number;
  phases: Phase[];
  /** tenants with a rate (absent: none); their arrivals are merged into the plan in time order */
  tenantStreams?: TenantStream[];
  /**
   * false when every tenant has a rate: open phases then generate no arrivals of their own and
   * only set the time and the arrival kind. Absent = true.
   */
  phaseArrivals?: boolean;
}

export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A threshold parsed when the scenario loads, evaluated purely on results. */
export interface ThresholdSpec {
  /** metric key as written: ttft, e2e, errorRate, ttft{phase=ramp}, ... */
  metric: string;
  /** a selector's label, e.g. phase=ramp (absent: all) */
  label?: string;
  /** the expression as the user wrote it, e.g. "p95 < 800ms" */
  expr: string;
  /** p50, p90, p95, p99, p99.9, mean, min, max, count, rate, usd */
  stat: string;
  op: Comparator;
  /** value in the metric's unit: ms for latencies, a fraction 0..1 for rates, USD for cost */
  value: number;
  /** scenario field path, e.g. thresholds.ttft[0] */
  field: string;
  /** stop the run as soon as it fails, checked every second after `delayAbortEval` ms */
  abortOnFail?: boolean;
  delayAbortEval?: Millis;
}

/** Units of a drift expression: relative (%), absolute latency (ms, s) or percentage points (pp), per hour or minute. */
export type DriftUnit = '%/h' | '%/min' | 'ms/h' | 'ms/min' | 's/h' | 's/min' | 'pp/h' | 'pp/min';

/** A `drift:` expression parsed when the scenario loads, e.g. ttft.p95: "< 5%/h". */
export interface DriftSpec {
  /** drift metric as written: ttft.p95, e2e.p99, errorRate, rps, outputTokensPerSecond */
  metric: string;
  /** the expression as the user wrote it, e.g. "< 5%/h" */
  expr: string;
  op: Comparator;
  /** the number as written, in `unit` (may be negative: "> -5%/h") */
  value: number;
  unit: DriftUnit;
  /** scenario field path, e.g. drift.ttft.p95 */
  field: string;
}

export interface OutputSpec {
  /** Absolute directory the run writes into. */
  dir: string;
  /** interval window length; default 1 s, 10 s for runs of an hour or more */
  interval?: Millis;
  /** stream requests.jsonl */
  requests?: boolean;
}

export interface PacingConfig {
  rpm?: number;
  tpm?: number;
  headroom: number;
  burst: Millis;
  adaptive: boolean;
  reserve: number;
}

export type RetryClass = 'http_429' | 'http_5xx' | 'timeout' | 'network' | 'stream_cut';

export interface RetryConfig {
  maxRetries: number;
  base: Millis;
  max: Millis;
  jitter: 'full' | 'equal' | 'none';
  on: RetryClass[];
  resendCutStreams: boolean;
}

export interface TenantSpec {
  name: string;
  /** relative share of the phases' own arrivals; absent when the tenant has a `rate` */
  share?: number;
  /** requests/s of the tenant's own arrival stream (see LoadSpec.tenantStreams) */
  rate?: number;
  /** the tenant's own prompts; absent: the scenario's dataset */
  dataset?: DatasetSpec;
  rpm?: number;
  tpm?: number;
  priority: 'interactive' | 'batch';
  dailyRequests?: number;
  dailyTokens?: number;
}

export interface ToxicSpec {
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
  attributes: Record<string, number>;
  stream: 'downstream' | 'upstream';
  toxicity: number;
}

/** One chaos episode on the run's timeline (ms from the run's start). */
export type ChaosEpisode = { name: string; at: Millis; for: Millis } & (
  | { kind: 'toxic'; toxic: ToxicSpec }
  | { kind: 'down' }
  | { kind: 'http'; fault: MockFaultSpec }
);

export interface ChaosSpec {
  /** a real Toxiproxy server's API URL; absent = the embedded one */
  toxiproxyUrl?: string;
  episodes: ChaosEpisode[];
}

/** Per-request service-level objectives; a request meeting all of them counts toward goodput. */
export interface SloSpec {
  ttft?: Millis;
  e2e?: Millis;
  tpot?: Millis;
}

/** Token prices in USD per 1M tokens (cachedInput already defaulted to input). */
export interface PricingSpec {
  input: number;
  cachedInput: number;
  output: number;
}

export interface Scenario {
  name: string;
  seed: number;
  /** Absolute path of the scenario file, or '<inline>' */
  file: string;
  target: TargetSpec;
  dataset: DatasetSpec;
  load: LoadSpec;
  mock: MockOptions;
  /** absent: requests go when the plan says, unpaced */
  pacing?: PacingConfig;
  /** absent: no retries — every failure is counted as it happened */
  retry?: RetryConfig;
  tenants?: TenantSpec[];
  chaos?: ChaosSpec;
  slo?: SloSpec;
  /** absent: results.cost uses the model's built-in list price, when there is one */
  pricing?: PricingSpec;
  thresholds: ThresholdSpec[];
  /** slope gates over the interval windows (empty without a drift section) */
  drift: DriftSpec[];
  output: OutputSpec;
}
