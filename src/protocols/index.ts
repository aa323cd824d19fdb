/**
 * The protocol a target's `api` names. The run loop and the transport only see Protocol,
 * so a new API is a file here, a line below and its twin in src/mock/.
 */
import type { TargetSpec } from '../types.js';
import { chatProtocol } from './chat.js';
import type { Protocol } from './protocol.js';
import { responsesProtocol } from './responses.js';

export function protocolFor(target: TargetSpec): Protocol {
  switch (target.api) {
    case 'chat':
      return chatProtocol(target);
    case 'responses':
      return responsesProtocol(target);
  }
}
