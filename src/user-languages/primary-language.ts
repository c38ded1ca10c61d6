const LANGUAGE = /^[a-z]{2,3}$/;

// A bare primary language subtag (`en`, `pt`, `yue`).
export const isLanguage = (text: string): boolean => LANGUAGE.test(text);

// `pt-BR`, `ru_RU`, `EN` → `pt`, `ru`, `en`; anything that is not a language tag → undefined.
export function primaryLanguage(tag: string | null | undefined): string | undefined {
  const language = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return language && isLanguage(language) ? language : undefined;
}
