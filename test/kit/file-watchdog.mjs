// Loaded by `npm test` into every test file's process: ends a file that is still running long after any file should
// have finished. A test that times out can leave behind what keeps its process alive (a child process, a socket);
// without this, that one file holds the whole run (and CI) until CI's own limit instead of failing on its own.
// Node's --test-force-exit would do this, but on Node 24.21 it also drops every describe() after the first in a file.
const limitMs = Number(process.env.IMPULSE_TEST_FILE_LIMIT_MS ?? 20 * 60_000);

// Only in a file's process (the runner sets NODE_TEST_CONTEXT there), never in the runner that runs them all.
if (process.env.NODE_TEST_CONTEXT && limitMs > 0) {
  // unref: a file that finishes exits as it would anyway; the timer fires only in one that is still alive.
  setTimeout(() => {
    process.stderr.write(`\n[impulse] this test file was still running after ${Math.round(limitMs / 1000)} s: ending it (a test left a child process or socket open?)\n`);
    // process.exit runs the kit's "exit" hooks, which kill the servers the file started.
    process.exit(1);
  }, limitMs).unref();
}
