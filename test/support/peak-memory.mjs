// Preloaded (node --import) into the action's process by runAction's `peakMemory` option: as
// the process exits, writes its peak resident set size in bytes to the file that
// SWR_TEST_PEAK_FILE names, so that a test can bound the memory a run took.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env['SWR_TEST_PEAK_FILE']
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
})
