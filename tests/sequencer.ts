import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The default order (by project, then larger or slower files first), with the browser files
 * spread evenly among the others, so that while one worker drives Chromium the other runs API
 * and unit files (tests/browser/one-at-a-time.ts keeps browser files from overlapping).
 */
export default class SpreadBrowserFiles extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const browser = sorted.filter((spec) => spec.project.name === 'browser')
    const others = sorted.filter((spec) => spec.project.name !== 'browser')
    if (browser.length === 0 || others.length === 0) return sorted
    const result: TestSpecification[] = []
    const step = others.length / browser.length
    let next = 0
    others.forEach((spec, index) => {
      while (next < browser.length && index >= Math.floor(next * step)) result.push(browser[next++]!)
      result.push(spec)
    })
    while (next < browser.length) result.push(browser[next++]!)
    return result
  }
}
