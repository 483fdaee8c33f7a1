import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { folderCycles, folderGraph, folderGraphProblems } from '../../eslint-rules/folder-graph.js'

const scratch = mkdtempSync(path.join(os.tmpdir(), 'jiezhang-graph-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function tree(name: string, files: Record<string, string>): string {
  const root = path.join(scratch, name)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), text)
  }
  return root
}

describe('the folder graph of server/', () => {
  it('has no import cycle between folders and no import of app.ts or main.ts from below', () => {
    expect(folderGraphProblems(path.resolve('server'))).toEqual([])
  })

  it('finds a cycle of three folders, through type-only and multi-line imports', () => {
    const root = tree('three', {
      'zones/a.ts': "import type { B } from '../parties/b.js'\n",
      'parties/b.ts': "import {\n  c,\n} from '../coverage/c.js'\n",
      'coverage/c.ts': "export { a } from '../zones/a.js'\n",
      'db/d.ts': 'export const d = 1\n',
    })
    expect(folderCycles(folderGraph(root))).toEqual([['coverage', 'parties', 'zones']])
    expect(folderGraphProblems(root)[0]).toMatch(/zones -> parties \(zones\/a\.ts\)/)
  })

  it('accepts imports that point one way, and imports inside one folder', () => {
    const root = tree('one-way', {
      'zones/a.ts': "import { b } from '../db/b.js'\nimport { c } from './c.js'\n",
      'zones/c.ts': "import { a } from './a.js'\n",
      'db/b.ts': "import { k } from '../kernel/k.js'\n",
      'kernel/k.ts': 'export const k = 1\n',
    })
    expect(folderGraphProblems(root)).toEqual([])
  })

  it('refuses an import of app.ts from a feature folder, but not from main.ts', () => {
    const root = tree('root-import', {
      'app.ts': "import { r } from './resolve/r.js'\n",
      'main.ts': "import { app } from './app.js'\n",
      'resolve/r.ts': "import { LIMIT } from '../app.js'\n",
    })
    const problems = folderGraphProblems(root)
    expect(problems.some((problem) => problem.includes('resolve/r.ts imports app.ts'))).toBe(true)
    expect(problems.some((problem) => problem.includes('main.ts imports'))).toBe(false)
  })
})
