/** Model names the mock knows: request alias → dated snapshot it reports back. */

const SNAPSHOTS = new Map<string, string>([
  ['gpt-4o', 'gpt-4o-2024-08-06'],
  ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['gpt-4.1', 'gpt-4.1-2025-04-14'],
  ['gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14'],
  ['gpt-4.1-nano', 'gpt-4.1-nano-2025-04-14'],
  ['o3', 'o3-2025-04-16'],
  ['o3-mini', 'o3-mini-2025-01-31'],
  ['o4-mini', 'o4-mini-2025-04-16'],
  ['gpt-4-turbo', 'gpt-4-turbo-2024-04-09'],
  ['gpt-3.5-turbo', 'gpt-3.5-turbo-0125'],
]);

/** Alias → snapshot; a snapshot or unknown name is reported unchanged. */
export function resolveModel(name: string): string {
  return SNAPSHOTS.get(name) ?? name;
}

const fingerprints = new Map<string, string>();

/** Stable per-model `system_fingerprint` (fp_ + 10 hex). */
export function systemFingerprint(model: string): string {
  let fp = fingerprints.get(model);
  if (fp === undefined) {
    let h = 0x811c9dc5;
    for (let i = 0; i < model.length; i++) h = Math.imul(h ^ model.charCodeAt(i), 0x01000193);
    const hex = (h >>> 0).toString(16).padStart(8, '0') + ((h >>> 0) % 251).toString(16).padStart(2, '0');
    fp = 'fp_' + hex;
    if (fingerprints.size < 1000) fingerprints.set(model, fp);
  }
  return fp;
}

/** `created` timestamp shown for listed models (fixed, like the real list). */
const LISTED_CREATED = 1715367049;

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export function listModels(): ModelObject[] {
  const ids: string[] = [];
  for (const [alias, snap] of SNAPSHOTS) ids.push(alias, snap);
  return ids.map((id) => ({ id, object: 'model', created: LISTED_CREATED, owned_by: 'system' }));
}

export function findModel(id: string): ModelObject | undefined {
  return listModels().find((m) => m.id === id);
}
