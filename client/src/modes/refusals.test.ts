import { describe, expect, it } from 'vitest'
import type { Position } from 'geojson'
import { translator } from '../i18n/i18n.js'
import type { MapController } from '../map/MapController.js'
import { drawGridHandlers, drawStreetHandlers } from './draw-handlers.js'
import { splitStreetHandlers } from './edit-handlers.js'
import { emptyDraft, type ModeContext } from './modes.js'

/** A mode context on no map: it records what the status bar would be told. */
function contextWith(points: Position[], language: 'zh' | 'en' = 'zh') {
  const messages: { text: string; tone?: string }[] = []
  const draft = { ...emptyDraft(), points }
  const context: ModeContext = {
    controller: { zone: () => undefined } as unknown as MapController,
    zones: () => [],
    draft,
    redraw: () => {},
    inspect: () => {},
    select: () => {},
    commit: async () => null,
    notify: (text, tone) => void messages.push({ text, tone }),
    setMeasurement: () => {},
    askShop: async () => null,
    t: translator(language),
  }
  return { context, messages }
}

describe('what the status bar says when a drawing is refused', () => {
  it('tells the planner in Chinese words, not the code self_intersecting, when a grid drawn as a bow tie is finished', () => {
    // A bow tie: the edges (0,0)-(0.001,0.001) and (0.001,0)-(0,0.001) cross at the middle.
    const { context, messages } = contextWith([[0, 0], [0.001, 0.001], [0.001, 0], [0, 0.001]])
    drawGridHandlers.finish!(context)
    expect(messages).toHaveLength(1)
    expect(messages[0]!.tone).toBe('error')
    expect(messages[0]!.text).not.toContain('self_intersecting')
    expect(messages[0]!.text).toMatch(/自相交/)
  })

  it('says in English that a street needs two points when a one-point street is finished', () => {
    const { context, messages } = contextWith([[114.3, 30.5]], 'en')
    drawStreetHandlers.finish!(context)
    expect(messages.map((m) => m.text)).toEqual(['Too few points: keep adding vertices'])
  })

  it('asks for a street first when splitting is finished with no street picked', () => {
    const { context, messages } = contextWith([])
    splitStreetHandlers.finish!(context)
    expect(messages[0]!.text).not.toMatch(/[a-z]_[a-z]/)
    expect(messages[0]!.text).toMatch(/街巷/)
  })
})
