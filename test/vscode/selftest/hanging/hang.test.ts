// Run only by the harness's self-test, which expects this suite to be stopped by the run's timeout:
// the launcher must end the run non-zero, say that it timed out, and leave no process behind.
suite('Self-test', () => {
  test('never finishes', function () {
    this.timeout(0);
    return new Promise(() => {});
  });
});
