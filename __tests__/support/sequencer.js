/**
 * jest's order, with the long suites first. On a fresh clone jest has no timings yet and starts the
 * largest files first, which left the real-Prometheus and package suites (mostly waiting on daemons
 * and npm) for last, two workers on a long tail. Started first, their waits overlap the short
 * CPU-bound suites. The rest keep jest's order.
 */
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['prometheus', 'package', 'remediation', 'probe-script', 'app'];

class LongSuitesFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = FIRST.indexOf(path.basename(test.path, '.test.ts'));
      return i === -1 ? FIRST.length : i;
    };
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongSuitesFirst;
