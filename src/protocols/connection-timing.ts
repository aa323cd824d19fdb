/**
 * Connection phases (DNS, TCP connect, TLS) are stamped by wrapping undici's connector;
 * the first request written on a new socket claims them. undici calls the handler's
 * onConnect and then publishes `undici:client:sendHeaders` with the socket, synchronously,
 * so the handler that is "connecting" when that message arrives is the one on that socket.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { RequestRecord } from '../record.js';

interface SocketTiming {
  start: number;
  dnsDone: number;
  connected: number;
  tlsDone: number;
  claimed: boolean;
}

const timings = new WeakMap<object, SocketTiming>();
let connecting: RequestRecord | null = null;
let subscribed = false;

function onSendHeaders(message: unknown): void {
  const rec = connecting;
  connecting = null;
  const socket = (message as { socket?: object }).socket;
  if (!rec || !socket) return;
  const timing = timings.get(socket);
  if (!timing || timing.claimed) return;
  timing.claimed = true;
  rec.connectStart = timing.start;
  rec.dnsDone = timing.dnsDone;
  rec.connected = timing.connected;
  rec.tlsDone = timing.tlsDone;
}

/** Called from the handler's onConnect, immediately before undici writes the request. */
export function markConnecting(rec: RequestRecord): void {
  if (!subscribed) {
    diagnostics.subscribe('undici:client:sendHeaders', onSendHeaders);
    subscribed = true;
  }
  connecting = rec;
}

export function timedConnector(options: buildConnector.BuildOptions, connectTo?: { host: string; port: number }): buildConnector.connector {
  const base = buildConnector(options);
  return (original, callback) => {
    // Through a chaos proxy: the TCP connection goes there, the TLS name stays the target's.
    const opts = connectTo
      ? { ...original, hostname: connectTo.host, port: String(connectTo.port), servername: original.servername ?? original.hostname }
      : original;
    const start = performance.now();
    const timing: SocketTiming = { start, dnsDone: NaN, connected: NaN, tlsDone: NaN, claimed: false };
    const socket = base(opts, (err, sock) => {
      if (!err && sock) {
        const now = performance.now();
        if (Number.isNaN(timing.connected)) timing.connected = now;
        if (opts.protocol === 'https:') timing.tlsDone = now;
        timings.set(sock, timing);
      }
      callback(err, sock as never);
    }) as unknown as Socket | undefined;
    socket?.once?.('lookup', () => {
      timing.dnsDone = performance.now();
    });
    socket?.once?.('connect', () => {
      timing.connected = performance.now();
    });
    return socket as never;
  };
}
