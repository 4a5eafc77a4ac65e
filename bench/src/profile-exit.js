// Preloaded into a service run with --cpu-prof (plain JS: no compiler in the
// profiled process). Node writes the profile only on a normal exit, but Nest's
// shutdown hook ends the process by re-raising SIGTERM, which would kill it
// before the profile is written. Listening here turns that second SIGTERM into
// process.exit(0).
let signals = 0;
process.on('SIGTERM', () => {
  signals++;
  if (signals > 1) process.exit(0);
  // Nest did not re-raise within the grace period: exit anyway, with the profile.
  setTimeout(() => process.exit(0), 12_000);
});
