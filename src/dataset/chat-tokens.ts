/**
 * Input tokens of a chat request, following OpenAI's published counting recipe for
 * gpt-3.5-turbo-0613, gpt-4 and later (4o included). Tool definitions and images add
 * undocumented tokens, so this is a plan; the run reconciles it with returned `usage`.
 *
 * api: responses sends the same messages as input items (role + content). No per-item framing
 * of its own is documented for them, so the same count stands; it is a little high for a
 * message with a `name`, which input items do not carry.
 */
import type { ChatMessage } from '../types.js';
import type { TokenCounter } from './encoding.js';

/** `<|start|>{role}<|message|>…<|end|>` framing around each message. */
export const TOKENS_PER_MESSAGE = 3;
/** A `name` field costs its own tokens plus one separator. */
export const TOKENS_PER_NAME = 1;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
export const REPLY_PRIMING_TOKENS = 3;

export function countChatTokens(messages: readonly ChatMessage[], counter: TokenCounter): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + counter.count(message.role) + counter.count(message.content);
    if (message.name !== undefined) total += counter.count(message.name) + TOKENS_PER_NAME;
  }
  return total;
}
