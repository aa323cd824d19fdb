/**
 * On-disk cache of per-prompt input tokens, kept beside the dataset as
 * `<file>.tokens.json`. Tokenizing a large dataset (and loading tiktoken at all) is the
 * slow part of startup; the cache makes reruns of an unchanged dataset skip both.
 * The cache is an optimisation only: any problem reading or writing it is ignored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';

/** Bump when the counting rules change so stale caches are rebuilt, not trusted. */
export const TOKEN_CACHE_VERSION = 1;

export interface TokenCacheFile {
  version: number;
  contentHash: string;
  encoding: string;
  prompts: { id: string; inputTokens: number }[];
}

export function tokenCachePath(datasetFile: string): string {
  return `${datasetFile}.tokens.json`;
}

export function hashContent(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

function isValidCache(value: unknown): value is TokenCacheFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TokenCacheFile>;
  return (
    typeof v.version === 'number' &&
    typeof v.contentHash === 'string' &&
    typeof v.encoding === 'string' &&
    Array.isArray(v.prompts) &&
    v.prompts.every(
      (p) => typeof p?.id === 'string' && Number.isInteger(p?.inputTokens) && (p?.inputTokens ?? -1) >= 0,
    )
  );
}

/**
 * Returns the cached token counts, in dataset order, when the cache matches this exact
 * content, encoding and format version; otherwise undefined (missing, stale or corrupt).
 */
export async function readTokenCache(
  datasetFile: string,
  contentHash: string,
  encoding: string,
): Promise<TokenCacheFile['prompts'] | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(tokenCachePath(datasetFile), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isValidCache(parsed)) return undefined;
  if (parsed.version !== TOKEN_CACHE_VERSION || parsed.contentHash !== contentHash || parsed.encoding !== encoding) {
    return undefined;
  }
  return parsed.prompts;
}

/**
 * Writes the cache atomically (temp file + rename) so a concurrent run never reads a
 * half-written file. Returns false when the directory is not writable (read-only
 * checkout, CI cache mount, ...): the run then simply works without a cache.
 */
export async function writeTokenCache(
  datasetFile: string,
  data: Omit<TokenCacheFile, 'version'>,
): Promise<boolean> {
  const target = tokenCachePath(datasetFile);
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const body: TokenCacheFile = { version: TOKEN_CACHE_VERSION, ...data };
  try {
    await writeFile(tmp, `${JSON.stringify(body)}\n`, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, target);
    return true;
  } catch {
    await unlink(tmp).catch(() => undefined);
    return false;
  }
}
