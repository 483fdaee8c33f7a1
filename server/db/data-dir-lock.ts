import { closeSync, constants, accessSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import path from 'node:path'

/** A refusal to open the embedded data folder; the message names the folder and says why. */
export class DataDirError extends Error {}

export interface DataDirLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void
}

const lockName = 'jiezhang.lock'

/**
 * The embedded database is one process's: PGlite has no locking of its own, and a second process
 * writing the same folder loses its writes (or the first one's). The lock is a file holding the
 * owner's pid, created atomically (`wx`); a lock whose pid is no longer alive is taken over.
 * Also checks first that the folder can be created and written, so that a read-only or
 * impossible DATA_DIR is reported as such and not as "PGlite failed to initialize".
 */
export function lockDataDir(dataDir: string): DataDirLock {
  ensureWritableFolder(dataDir)
  const lockPath = path.join(dataDir, lockName)
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(lockPath, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw notWritable(dataDir, error)
      const owner = readOwner(lockPath)
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new DataDirError(
          `the data folder ${dataDir} is in use by another Jiezhang process (pid ${owner}); ` +
            'stop it first (only one process may open an embedded database folder), or remove ' +
            `${lockPath} if that process is not Jiezhang`,
        )
      }
      // Stale (its owner died without removing it): take it over and try again.
      rmSync(lockPath, { force: true })
      continue
    }
    writeSync(fd, `${process.pid}\n`)
    closeSync(fd)
    let released = false
    const release = () => {
      if (released) return
      released = true
      process.off('exit', release)
      if (readOwner(lockPath) === process.pid) rmSync(lockPath, { force: true })
    }
    process.on('exit', release)
    return { release }
  }
  throw new DataDirError(`could not take the lock ${lockPath} on the data folder ${dataDir}`)
}

function ensureWritableFolder(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true })
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' })
    accessSync(dataDir, constants.W_OK)
  } catch (error) {
    throw notWritable(dataDir, error)
  }
}

function notWritable(dataDir: string, error: unknown): DataDirError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  return new DataDirError(
    `the data folder ${dataDir} (DATA_DIR) is not a writable folder${code ? ` (${code})` : ''}: ` +
      'point DATA_DIR at a folder this user may create and write',
  )
}

function readOwner(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
