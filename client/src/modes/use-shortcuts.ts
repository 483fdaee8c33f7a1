import { useEffect, type RefObject } from 'react'
import { MODE_SHORTCUTS, MODES, type Mode, type ModeContext } from './modes.js'

interface Shortcuts {
  context: ModeContext | null
  mode: RefObject<Mode>
  setMode(mode: Mode): void
  undo(): Promise<void>
  redo(): Promise<void>
}

/** The editor's keys: undo/redo, Enter/Escape/Backspace for the current mode, one letter per mode. */
export function useShortcuts({ context, mode, setMode, undo, redo }: Shortcuts): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return
      // A dialog over the map takes the keys; the editor must not draw behind it.
      if (document.querySelector('.modal')) return
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
        event.preventDefault()
        void (event.shiftKey ? redo() : undo())
        return
      }
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'y') {
        event.preventDefault()
        void redo()
        return
      }
      if (event.ctrlKey || event.metaKey || event.altKey || !context) return
      if (event.key === 'Enter') MODES[mode.current].finish?.(context)
      else if (event.key === 'Escape') setMode(mode.current === 'inspect' ? 'inspect' : mode.current)
      else if (event.key === 'Backspace') MODES[mode.current].dropPoint?.(context)
      else {
        const next = (Object.entries(MODE_SHORTCUTS) as [Mode, string][]).find(([, key]) => key === event.key.toLowerCase())
        if (next) setMode(next[0])
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [context, mode, redo, setMode, undo])
}
