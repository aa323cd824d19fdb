/**
 * Ordinary English words for synthetic prompts. Real words (rather than random
 * characters) tokenize the way real prompts do, roughly one token per word, so the
 * model under test sees realistic text and prefix caches are not trivially hit.
 */
export const SYNTHETIC_WORDS: readonly string[] = [
  'the', 'a', 'and', 'of', 'to', 'in', 'for', 'with', 'on', 'by',
  'from', 'about', 'over', 'under', 'between', 'after', 'before', 'during', 'while', 'because',
  'customer', 'order', 'invoice', 'account', 'service', 'report', 'meeting', 'project', 'team', 'manager',
  'engineer', 'product', 'feature', 'release', 'version', 'server', 'database', 'query', 'table', 'index',
  'request', 'response', 'latency', 'budget', 'schedule', 'deadline', 'contract', 'policy', 'review', 'summary',
  'garden', 'river', 'mountain', 'village', 'harbor', 'forest', 'island', 'valley', 'desert', 'meadow',
  'kitchen', 'window', 'library', 'market', 'station', 'bridge', 'street', 'office', 'school', 'museum',
  'coffee', 'bread', 'apple', 'orange', 'tomato', 'cheese', 'rice', 'soup', 'honey', 'lemon',
  'morning', 'evening', 'winter', 'summer', 'autumn', 'spring', 'weekend', 'holiday', 'minute', 'season',
  'quickly', 'slowly', 'carefully', 'often', 'rarely', 'always', 'never', 'perhaps', 'together', 'almost',
  'bright', 'quiet', 'heavy', 'simple', 'careful', 'strange', 'gentle', 'narrow', 'ancient', 'modern',
  'small', 'large', 'early', 'late', 'clear', 'warm', 'cold', 'green', 'blue', 'golden',
  'important', 'difficult', 'possible', 'useful', 'popular', 'private', 'public', 'recent', 'similar', 'specific',
  'build', 'write', 'read', 'explain', 'compare', 'describe', 'improve', 'measure', 'deliver', 'prepare',
  'travel', 'follow', 'remember', 'consider', 'discover', 'answer', 'suggest', 'support', 'create', 'change',
  'is', 'was', 'has', 'will', 'can', 'should', 'might', 'seems', 'became', 'remains',
  'history', 'science', 'music', 'language', 'weather', 'energy', 'health', 'money', 'journey', 'nature',
  'question', 'problem', 'solution', 'example', 'reason', 'result', 'detail', 'pattern', 'method', 'signal',
  'teacher', 'student', 'doctor', 'farmer', 'pilot', 'writer', 'artist', 'neighbor', 'friend', 'family',
  'every', 'several', 'many', 'few', 'each', 'another', 'most', 'some', 'other', 'this',
  'through', 'across', 'around', 'toward', 'without', 'within', 'beyond', 'near', 'inside', 'along',
];
