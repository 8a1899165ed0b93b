// Numbers as the page shows them.

/** "4.2 s", "1 min 05 s", "1 h 02 min". */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Time left if generation runs to max_tokens at the current speed: an upper bound, since the
 * model may finish sooner.
 */
export function eta(tokens, maxTokens, tokensPerSecond) {
  if (!(tokensPerSecond > 0) || !(maxTokens > tokens)) return '–';
  return `≤ ${duration((1000 * (maxTokens - tokens)) / tokensPerSecond)}`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
