/**
 * The configuration's routes and middleware chain: the same keys as the props at every level, read
 * into the props as given.
 */
import { configProps } from '../support/config-props';

describe('the configuration of routes and middlewares', () => {
  test('every key of a route and of the chain reaches the props as given', () => {
    const ref = (name: string) => ({ namespace: 'traefik', name });
    const routes = [
      {
        name: 'assets',
        paths: ['/manifest.webmanifest', '/favicon.ico'],
        hostPort: 7690,
        auth: 'public',
        authReason: 'icon fetchers carry no cookies',
        probe: { path: '/favicon.ico', status: 200 },
      },
      {
        name: 'skills',
        paths: ['/skills'],
        prefixes: ['/skills/'],
        service: { name: 'skills', port: 8080 },
        stripPrefix: false,
        compress: true,
        middlewares: { beforeAuth: [ref('buffering')], afterAuth: [ref('csp-skills')] },
      },
      { path: '/clipboard/', hostPort: 7683 },
    ];
    const middlewares = { beforeAuth: [ref('retry'), ref('crowdsec')], afterAuth: [ref('local-only')] };
    const props = configProps({ routes, middlewares });
    expect(props.routes).toStrictEqual(routes);
    expect(props.middlewares).toStrictEqual(middlewares);
  });
});
