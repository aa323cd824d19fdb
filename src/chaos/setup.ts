/**
 * Puts the chaos layer between the client and the target for one run, and takes it down.
 *
 *   client → [Toxiproxy proxy: network episodes] → [HTTP fault stage: http episodes, real
 *   targets only] → target
 *
 * Against the built-in mock, HTTP episodes drive the mock's own fault injector instead.
 */
import type { ChaosSpec, MockFaultSpec } from '../types.js';
import { startHttpFaultStage, type HttpFaultStage } from './http-fault-stage.js';
import { startChaosTimeline, type ChaosTimeline } from './timeline.js';
import { ToxiproxyControl } from './toxiproxy-control.js';
import { startToxiproxyServer } from './toxiproxy/server.js';

export interface ChaosSession {
  /** base URL the client sends to (its Host) */
  targetUrl: string;
  /** TCP address to connect to instead of the URL's (an https target behind the proxy keeps its SNI) */
  connectTo?: { host: string; port: number };
  /** 'embedded', the real server's URL, or null when no network episode needs one */
  toxiproxy: string | null;
  start(t0: number, onError?: (message: string) => void): ChaosTimeline;
  /** Removes everything this run created; safe to call more than once. */
  cleanup(): Promise<void>;
}

export interface MockFaultControl {
  setFaults(specs: MockFaultSpec[]): Promise<void>;
}

export async function setUpChaos(spec: ChaosSpec, targetUrl: string, mock: MockFaultControl | null, seed: number): Promise<ChaosSession> {
  const needsNetwork = spec.episodes.some((e) => e.kind !== 'http');
  const needsHttp = spec.episodes.some((e) => e.kind === 'http');
  const closers: Array<() => Promise<void>> = [];
  const cleanup = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    let url = targetUrl;
    let http: MockFaultControl | null = mock;
    if (needsHttp && !mock) {
      const stage: HttpFaultStage = await startHttpFaultStage({ upstream: targetUrl, seed });
      closers.push(() => stage.close());
      url = stage.url;
      http = { setFaults: async (specs) => stage.setFaults(specs) };
    }
    let network: ToxiproxyControl | null = null;
    let connectTo: ChaosSession['connectTo'];
    let toxiproxy: string | null = null;
    if (needsNetwork) {
      let apiUrl = spec.toxiproxyUrl;
      if (!apiUrl) {
        const embedded = await startToxiproxyServer({ port: 0, seed });
        closers.push(() => embedded.close());
        apiUrl = embedded.url;
      }
      toxiproxy = spec.toxiproxyUrl ?? 'embedded';
      network = await ToxiproxyControl.connect(apiUrl);
      closers.push(() => network!.cleanup());
      const u = new URL(url);
      const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
      const listen = await network.createProxy(`${u.hostname.replace(/^\[|\]$/g, '')}:${port}`);
      if (u.protocol === 'https:') connectTo = listen;
      else url = `http://${listen.host}:${listen.port}${u.pathname.replace(/\/$/, '')}`;
    }
    let timeline: ChaosTimeline | null = null;
    closers.unshift(async () => {
      await timeline?.stop();
    });
    return {
      targetUrl: url,
      ...(connectTo ? { connectTo } : {}),
      toxiproxy,
      start(t0, onError) {
        timeline = startChaosTimeline({ episodes: spec.episodes, t0, network, http, ...(onError ? { onError } : {}) });
        return timeline;
      },
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
