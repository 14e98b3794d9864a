// Preloaded into each benchmark child process (node -r ./tools/bench/peak-rss.cjs ...): on exit, writes the
// process's resident-memory high-water mark (getrusage ru_maxrss, bytes) to $DEFECTLAB_BENCH_RSS_FILE.
// A fresh process per model keeps that figure clean of earlier models' allocations.
const fs = require('node:fs');

const file = process.env.DEFECTLAB_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
    } catch {
      // the parent reports a missing figure as null
    }
  });
}
