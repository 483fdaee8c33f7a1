import { createContext, useCallback, useContext, useMemo, useState } from 'react'
import { en } from './en.js'
import { zh, type MessageKey } from './zh.js'

export type Language = 'zh' | 'en'
export type { MessageKey }
export type Translate = (key: MessageKey) => string

const dictionaries: Record<Language, Record<MessageKey, string>> = { zh, en }

export function translator(language: Language): Translate {
  const dictionary = dictionaries[language]
  return (key) => dictionary[key] ?? key
}

export function initialLanguage(): Language {
  const fromUrl = new URLSearchParams(window.location.search).get('lang')
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl
  return window.localStorage.getItem('jiezhang.lang') === 'en' ? 'en' : 'zh'
}

export const I18nContext = createContext<{ language: Language; t: Translate; setLanguage(language: Language): void }>({
  language: 'zh',
  t: translator('zh'),
  setLanguage: () => {},
})

export const useI18n = () => useContext(I18nContext)

/** The app's language state, remembered in the browser; the value goes into I18nContext. */
export function useLanguage() {
  const [language, setLanguageState] = useState<Language>(initialLanguage)
  const t = useMemo(() => translator(language), [language])
  const setLanguage = useCallback((next: Language) => {
    window.localStorage.setItem('jiezhang.lang', next)
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
    setLanguageState(next)
  }, [])
  return useMemo(() => ({ language, t, setLanguage }), [language, t, setLanguage])
}
