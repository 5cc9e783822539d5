// Reasoning models (Qwen3, DeepSeek-R1...) write their thinking between <think> and </think> at the start
// of the answer. Muse's server sends that thought apart, as reasoning_content; replies stored before it did (and
// models whose template never mentions <think>) still carry it in their content. Some chat templates open the block
// in the prompt, so such an answer holds only </think>.

/**
 * A reply's thinking and answer: its reasoning_content when the server separated it (the thought is done once the
 * answer has begun or the reply is no longer streaming), else what the content itself holds.
 * @returns {{thinking: string|null, answer: string, thinkingDone: boolean}}
 */
export function thoughtOf(reasoning, text, streaming) {
  if (reasoning) return { thinking: reasoning, answer: text, thinkingDone: text.length > 0 || !streaming };
  return splitThinking(text);
}

/**
 * Splits an answer (complete or still streaming) into its thinking and the rest.
 * @returns {{thinking: string|null, answer: string, thinkingDone: boolean}}
 */
export function splitThinking(text) {
  const open = /^\s*<think>/.exec(text);
  const close = text.indexOf('</think>');
  if (open) {
    if (close < 0) return { thinking: text.slice(open[0].length).trim(), answer: '', thinkingDone: false };
    return { thinking: text.slice(open[0].length, close).trim(), answer: text.slice(close + 8).trimStart(), thinkingDone: true };
  }
  if (close >= 0 && !text.slice(0, close).includes('<think>'))
    return { thinking: text.slice(0, close).trim(), answer: text.slice(close + 8).trimStart(), thinkingDone: true };
  return { thinking: null, answer: text, thinkingDone: true };
}
