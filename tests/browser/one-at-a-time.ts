import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, inject } from 'vitest'

/**
 * Browser test files share one server and one demo district, so they run one at a time; but not
 * after every other test (vitest would put a project without file parallelism in a group of its
 * own, last, with the second worker idle for minutes). They run among the API files instead
 * (tests/sequencer.ts spreads them out), and this lock, a folder named after the run's server,
 * keeps a second browser file waiting until the first is done.
 */
const lock = path.join(tmpdir(), `jiezhang-browser-${new URL(inject('browserBaseUrl')).port}.lock`)

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'))
    process.kill(pid, 0)
    return true
  } catch (error) {
    // No pid file yet (the holder is between mkdir and write): alive; no such process: stale.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

beforeAll(async () => {
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(path.join(lock, 'pid'), String(process.pid))
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (!holderAlive()) rmSync(lock, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}, 600_000)

afterAll(() => {
  rmSync(lock, { recursive: true, force: true })
})
