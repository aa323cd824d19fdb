/**
 * The data of the embedded Toxiproxy-compatible server: proxy and toxic shapes as the REST API
 * speaks them, request-body validation with Toxiproxy's error texts, and host:port handling.
 */

/** An API failure: becomes `{"error": message, "status": status}` with that HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: 'proxy' | 'toxic'): ApiError => new ApiError(404, `${what} not found`);
export const badBody = (): ApiError => new ApiError(400, 'bad request body');

export type Stream = 'upstream' | 'downstream';

/** Attribute names and defaults per toxic type (Toxiproxy's zero values). */
const ATTRIBUTES = {
  noop: {},
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
} as const satisfies Record<string, Record<string, number>>;

export type ToxicType = keyof typeof ATTRIBUTES;
export type Attributes = Record<string, number>;

export interface ToxicConfig {
  name: string;
  type: ToxicType;
  stream: Stream;
  toxicity: number;
  attributes: Attributes;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicConfig[];
}

export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export interface ProxyPatch {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isToxicType(v: unknown): v is ToxicType {
  return typeof v === 'string' && Object.hasOwn(ATTRIBUTES, v);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badBody();
  return v;
}

function toxicityOf(v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new ApiError(400, 'toxicity must be a number from 0 to 1');
  }
  return v;
}

/** Known attributes only, each a non-negative finite number; missing ones keep `base`. */
function attributesOf(type: ToxicType, raw: unknown, base: Attributes): Attributes {
  if (raw !== undefined && raw !== null && !isObject(raw)) throw badBody();
  const given: Record<string, unknown> = isObject(raw) ? raw : {};
  const out: Attributes = {};
  for (const [key, zero] of Object.entries(ATTRIBUTES[type] as Attributes)) {
    const v = given[key];
    if (v === undefined || v === null) {
      out[key] = base[key] ?? zero;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ApiError(400, `attribute ${key} of a ${type} toxic must be a non-negative number`);
    }
    out[key] = v;
  }
  return out;
}

/** POST /proxies/{name}/toxics body → a complete toxic (defaults filled in). */
export function parseToxicCreate(body: unknown): ToxicConfig {
  if (!isObject(body)) throw badBody();
  if (!isToxicType(body.type)) throw new ApiError(400, 'invalid toxic type');
  const type = body.type;
  const streamRaw = optionalString(body, 'stream')?.toLowerCase() ?? '';
  if (streamRaw !== '' && streamRaw !== 'upstream' && streamRaw !== 'downstream') {
    throw new ApiError(400, 'stream was invalid, can be either upstream or downstream');
  }
  const stream: Stream = streamRaw === 'upstream' ? 'upstream' : 'downstream';
  const name = optionalString(body, 'name') || `${type}_${stream}`;
  return { name, type, stream, toxicity: toxicityOf(body.toxicity, 1), attributes: attributesOf(type, body.attributes, {}) };
}

/** PATCH body → the toxic with new attributes/toxicity; name, type and stream never change. */
export function parseToxicUpdate(current: ToxicConfig, body: unknown): ToxicConfig {
  if (!isObject(body)) throw badBody();
  return {
    ...current,
    toxicity: toxicityOf(body.toxicity, current.toxicity),
    attributes: attributesOf(current.type, body.attributes, current.attributes),
  };
}

/** POST /proxies (and each /populate entry) body. */
export function parseProxyCreate(body: unknown, defaultListen: string): ProxyInput {
  if (!isObject(body)) throw badBody();
  const name = optionalString(body, 'name');
  if (!name) throw new ApiError(400, 'missing required field: name');
  const upstream = optionalString(body, 'upstream');
  if (!upstream) throw new ApiError(400, 'missing required field: upstream');
  const listen = optionalString(body, 'listen') || defaultListen;
  checkListen(listen);
  const enabled = body.enabled ?? true;
  if (typeof enabled !== 'boolean') throw badBody();
  return { name, listen, upstream, enabled };
}

/** PATCH /proxies/{name} body: only the fields present change. */
export function parseProxyPatch(body: unknown): ProxyPatch {
  if (!isObject(body)) throw badBody();
  const patch: ProxyPatch = {};
  const listen = optionalString(body, 'listen');
  if (listen) patch.listen = checkListen(listen);
  const upstream = optionalString(body, 'upstream');
  if (upstream) patch.upstream = upstream;
  if (body.enabled !== undefined && body.enabled !== null) {
    if (typeof body.enabled !== 'boolean') throw badBody();
    patch.enabled = body.enabled;
  }
  return patch;
}

export interface HostPort {
  /** '' = every interface */
  host: string;
  port: number;
}

/** "host:port", "[v6]:port" or ":port"; undefined when it is not one of those. */
export function splitHostPort(address: string): HostPort | undefined {
  const colon = address.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return undefined;
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port <= 65535 ? { host, port } : undefined;
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function checkListen(listen: string): string {
  if (splitHostPort(listen) === undefined) throw new ApiError(400, `listen address "${listen}" is not host:port`);
  return listen;
}
