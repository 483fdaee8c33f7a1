import { createContext, useContext } from 'react'
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
