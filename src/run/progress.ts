/** What a progress display needs, sampled once a second from the running components. */
export interface ProgressSnapshot {
  elapsedMs: number;
  plannedMs: number;
  phase: string;
  requests: number;
  failed: number;
  dropped: number;
  inFlight: number;
  requestsPerSecond: number;
  ttftP95Ms: number | null;
  saturated: boolean;
}
