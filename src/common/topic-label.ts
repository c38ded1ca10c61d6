// `reason.main` becomes a workspace-wide Intercom tag (TOPIC_TAG_PREFIX + main), which operators see
// in every tag picker: a short plain-text label only. Letters (any script, with their combining
// marks), digits, the ASCII space and basic punctuation; it starts with a letter or digit and does
// not end with a space. No markup (< > " `), no control, format (bidi, zero-width) or other
// white-space characters.
const INNER = String.raw`\p{L}\p{M}\p{N} _.,:;!?'&()+\/-`;
const LAST = String.raw`\p{L}\p{M}\p{N}_.,:;!?'&()+\/-`;
export const TOPIC_LABEL = new RegExp(String.raw`^[\p{L}\p{N}](?:[${INNER}]*[${LAST}])?$`, 'u');
export const TOPIC_MAX_LENGTH = 100;

// Read by the config too (CONVERSATION_TOPICS), hence no imports here.
export function isTopicLabel(text: string): boolean {
  return [...text].length <= TOPIC_MAX_LENGTH && TOPIC_LABEL.test(text);
}
