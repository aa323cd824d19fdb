/**
 * A response's usage object into the record, for every API: usageCounts reads both the Chat
 * Completions names and the Responses API's.
 */
import type { RequestRecord } from '../record.js';
import { usageCounts, type Usage } from './chat-events.js';

/** What a usage object says, into the record (a field it does not state is left as it was). */
export function applyUsage(rec: RequestRecord, usage: Usage): void {
  const u = usageCounts(usage);
  if (u.output !== null) rec.usageOutputTokens = u.output;
  if (u.input !== null) rec.usageInputTokens = u.input;
  if (u.cachedInput !== null) rec.usageCachedInputTokens = u.cachedInput;
}
