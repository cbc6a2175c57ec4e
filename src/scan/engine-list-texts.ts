import { suggestionsJson, suggestionsTailBytes } from '../output/suggestions-json.js';
import type { ListTexts } from './suggestion-protocol.js';

/**
 * What a suggestion engine (process or worker) keys its lists by and sends as their tails: the
 * JSON writer's own text, made once per list (the key is the tail's JSON, so a tail costs its bytes).
 */
export const ENGINE_LIST_TEXTS: ListTexts = { keyOf: suggestionsJson, tailOf: suggestionsTailBytes };
