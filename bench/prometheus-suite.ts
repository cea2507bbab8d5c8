import * as os from 'os';
import * as path from 'path';
import { measureCommand, report } from './timing';

/**
 * Wall time of the real-Prometheus suite (`__tests__/alerts/prometheus.test.ts`: fixtures, Prometheus,
 * every scenario and the dashboard queries), median of 3 jest runs. Prints figures; asserts nothing.
 */
const root = path.resolve(__dirname, '..');
process.chdir(root);
console.log(`real-Prometheus suite benchmark on ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
const jest = path.join('node_modules', 'jest', 'bin', 'jest.js');
report('jest __tests__/alerts/prometheus.test.ts', measureCommand(process.execPath, [jest, '__tests__/alerts/prometheus.test.ts'], 3, process.env), {
  seconds: 60,
  peakMiB: 1024,
});
