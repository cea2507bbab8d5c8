import { TerminalStackProps, TtydBackend } from '../../lib';

/** The app's built-in example (app/config-sources.ts `EXAMPLE`), as stack props. */
export const EXAMPLE_PROPS: TerminalStackProps = {
  host: 'terminal.example.com',
  ttyd: TtydBackend.externalHost({ address: '192.0.2.10', port: 7681 }),
  routes: [
    { path: '/clipboard/', hostPort: 7683 },
    { path: '/api/sessions/', hostPort: 7684 },
  ],
};
