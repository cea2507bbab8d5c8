import { runApp } from './app/app';

/**
 * Entry point of `npm run synth`, `npm run rules` and the cdktf CLI (`cdktf.json` "app"). The
 * exit code is set, not forced: the process ends when its output is flushed, so a long list of
 * problems is never cut.
 */
const result = runApp({ argv: process.argv.slice(2) });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.status;
