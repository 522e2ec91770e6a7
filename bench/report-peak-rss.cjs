// Preloaded with `node --require` by scripts/bench.ts: reports the process's peak
// resident memory (kilobytes, from getrusage) to the file named by BENCH_RSS_FILE.
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
