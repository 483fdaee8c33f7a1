import type { Rule } from 'eslint'

export function nodeOf(root: string, file: string): string | null
export function importsOf(file: string, text: string): { specifier: string; target: string; index: number }[]
/** from-node → (to-node → one file that makes the edge, relative to root). */
export function folderGraph(root: string): Map<string, Map<string, string>>
export function folderCycles(edges: Map<string, Map<string, string>>): string[][]
export function folderGraphProblems(root: string): string[]
export const noFolderCycle: Rule.RuleModule
