import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'

/** The commands' exit codes and messages for bad input; none of these cases opens a database. */
const work = mkdtempSync(path.join(os.tmpdir(), 'jiezhang-backup-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function run(script: 'backup' | 'restore', args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: path.join(work, 'data'), ...env },
  })
  return { status: result.status, stderr: result.stderr.trim() }
}

describe('npm run backup and npm run restore on bad input', () => {
  it('exits 2 with the usage when no file is given', () => {
    expect(run('restore', [])).toEqual({ status: 2, stderr: 'usage: npm run restore -- FILE [--force]' })
    expect(run('backup', ['a', 'b'])).toEqual({ status: 2, stderr: 'usage: npm run backup -- FILE' })
    expect(run('restore', ['x', '--forse']).status).toBe(2)
  })

  it('exits 3 naming a missing file, and a file that is not a backup', () => {
    const missing = path.join(work, 'missing.jzb')
    expect(run('restore', [missing])).toEqual({ status: 3, stderr: `restore: ${missing}: no such file` })
    const text = path.join(work, 'notes.txt')
    writeFileSync(text, 'hello')
    const notBackup = run('restore', [text])
    expect(notBackup.status).toBe(3)
    expect(notBackup.stderr).toContain(`${text} is not a Jiezhang backup`)
  })

  it('exits 4 when an embedded backup is restored with DATABASE_URL set', () => {
    const file = path.join(work, 'embedded.jzb')
    const dump = gzipSync(Buffer.from('tarball'))
    writeFileSync(file, dump)
    const meta = { format: 'jiezhang-backup', formatVersion: 1, backend: 'pglite', dump: '', takenAt: '2026-12-01T00:00:00.000Z', schema: [], latestChange: null, bytes: dump.length, sha256: createHash('sha256').update(dump).digest('hex') }
    writeFileSync(`${file}.json`, JSON.stringify(meta))
    const wrong = run('restore', [file], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' })
    expect(wrong.status).toBe(4)
    expect(wrong.stderr).toContain('is a backup of the embedded database (DATA_DIR), but this restore is into PostgreSQL (DATABASE_URL)')
  })

  it('exits 1 when DATA_DIR holds no embedded database to back up', () => {
    const result = run('backup', [path.join(work, 'out.jzb')], { DATA_DIR: path.join(work, 'empty-folder') })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`there is no embedded database in ${path.join(work, 'empty-folder')}`)
  })
})
