// The import graph between the top-level folders of server/ (DESIGN §6, STYLE "Dependencies point
// one way"): features import the kernel and db/, never each other in a circle, and nothing below
// app.ts imports app.ts or main.ts. Plain JavaScript so that both ESLint (eslint.config.js) and the
// unit test (tests/unit/folder-graph.test.ts) load it without a build step.
import fs from 'node:fs'
import path from 'node:path'

/** Files allowed to import the application's root modules. */
const ROOT_MODULES = ['app.ts', 'main.ts']
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g

function listSources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return listSources(full)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : []
  })
}

/** The node of the graph a file belongs to: its top-level folder under root, or its own name. */
export function nodeOf(root, file) {
  const relative = path.relative(root, file)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative.replace(/\.js$/, '.ts').split(path.sep)[0]
}

/** Relative imports of one file's text, resolved to absolute paths. */
export function importsOf(file, text) {
  return [...text.matchAll(importPattern)].map((match) => ({
    specifier: match[1],
    target: path.resolve(path.dirname(file), match[1]),
    index: match.index,
  }))
}

/** Edges between nodes, each with one file that makes it. */
export function folderGraph(root) {
  const edges = new Map()
  for (const file of listSources(root)) {
    const from = nodeOf(root, file)
    for (const { target } of importsOf(file, fs.readFileSync(file, 'utf8'))) {
      const to = nodeOf(root, target)
      if (to === null || to === from) continue
      if (!edges.has(from)) edges.set(from, new Map())
      if (!edges.get(from).has(to)) edges.get(from).set(to, path.relative(root, file))
    }
  }
  return edges
}

/** Strongly connected components with more than one node: each is a cycle of folders. */
export function folderCycles(edges) {
  let counter = 0
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const cycles = []
  const visit = (node) => {
    index.set(node, counter)
    low.set(node, counter++)
    stack.push(node)
    onStack.add(node)
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node), low.get(next)))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)))
    }
    if (low.get(node) === index.get(node)) {
      const component = []
      let member
      do {
        member = stack.pop()
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1) cycles.push(component.sort())
    }
  }
  for (const node of edges.keys()) if (!index.has(node)) visit(node)
  return cycles
}

/** Every problem of the graph as a sentence: cycles, and imports of app.ts/main.ts from below. */
export function folderGraphProblems(root) {
  const edges = folderGraph(root)
  const problems = folderCycles(edges).map((cycle) => {
    const via = cycle.flatMap((from) => cycle.filter((to) => edges.get(from)?.has(to)).map((to) => `${from} -> ${to} (${edges.get(from).get(to)})`))
    return `folders import each other in a circle: ${via.join('; ')}`
  })
  for (const [from, targets] of edges) {
    for (const rootModule of ROOT_MODULES) {
      if (targets.has(rootModule) && !ROOT_MODULES.includes(from)) {
        problems.push(`${targets.get(rootModule)} imports ${rootModule}: move what it needs down into the kernel`)
      }
    }
  }
  return problems
}

/** ESLint rule: reports, on the import itself, an import that closes a cycle of server folders. */
export const noFolderCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'server/ folders form a directed graph: no import cycles between folders, no import of app.ts from below' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const root = path.resolve(context.cwd ?? process.cwd(), context.options[0]?.root ?? 'server')
    const file = context.filename ?? context.getFilename()
    const from = nodeOf(root, file)
    if (from === null || /\.test\.tsx?$/.test(file)) return {}
    let cycles
    const cycleOf = (node) => {
      cycles ??= folderCycles(folderGraph(root))
      return cycles.find((cycle) => cycle.includes(node))
    }
    const check = (node) => {
      const specifier = node.source?.value
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return
      const to = nodeOf(root, path.resolve(path.dirname(file), specifier))
      if (to === null || to === from) return
      if (ROOT_MODULES.includes(to) && !ROOT_MODULES.includes(from)) {
        context.report({ node, message: `${from} imports ${to}: nothing below the application root may; move what it needs into server/kernel/` })
        return
      }
      const cycle = cycleOf(from)
      if (cycle && cycle.includes(to)) {
        context.report({ node, message: `${from} -> ${to} closes an import cycle between server folders (${cycle.join(', ')}); move what both need down into server/kernel/ or server/db/` })
      }
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check }
  },
}
