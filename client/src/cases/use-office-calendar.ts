import { useEffect, useState } from 'react'
import { cases } from '../api/cases.js'
import type { OfficeCalendar } from './working-time.js'

let cached: Promise<OfficeCalendar | null> | null = null

/** The office's working calendar of this year and the next (loaded once per page); null until it arrives or when it cannot be read. */
export function useOfficeCalendar(): OfficeCalendar | null {
  const [calendar, setCalendar] = useState<OfficeCalendar | null>(null)
  useEffect(() => {
    const year = new Date().getFullYear()
    cached ??= Promise.all([cases.calendar(year), cases.calendar(year + 1)])
      .then(([a, b]) => ({ periods: a.periods, days: [...a.days, ...b.days] }))
      .catch(() => null)
    let live = true
    void cached.then((value) => live && setCalendar(value))
    return () => {
      live = false
    }
  }, [])
  return calendar
}
