/** `AuthentikForwardAuth`: the forwardAuth Middleware Authentik recommends. */
import { AuthentikForwardAuth, AUTHENTIK_HEADERS_REGEX, AUTHENTIK_RESPONSE_HEADERS } from '../../lib';
import { manifestsOf, synthResources } from '../support/synth';

describe('AuthentikForwardAuth', () => {
  test('creates the forwardAuth Middleware Authentik recommends', () => {
    let ref;
    const res = synthResources((scope) => {
      ref = new AuthentikForwardAuth(scope, 'Auth').ref;
    });
    expect(ref).toStrictEqual({ namespace: 'traefik', name: 'authentik-forward-auth' });
    expect(manifestsOf(res, 'Middleware')).toStrictEqual([
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'Middleware',
        metadata: { name: 'authentik-forward-auth', namespace: 'traefik', labels: {} },
        spec: {
          forwardAuth: {
            address: 'http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik',
            trustForwardHeader: true,
            authResponseHeaders: [...AUTHENTIK_RESPONSE_HEADERS],
            authResponseHeadersRegex: AUTHENTIK_HEADERS_REGEX,
          },
        },
      },
    ]);
    // Authentik's current documentation lists these twelve, X-authentik-entitlements included.
    expect([...AUTHENTIK_RESPONSE_HEADERS].sort()).toStrictEqual(
      ['username', 'groups', 'entitlements', 'email', 'name', 'uid', 'jwt', 'meta-jwks', 'meta-outpost', 'meta-provider', 'meta-app', 'meta-version']
        .map((h) => `X-authentik-${h}`)
        .sort(),
    );
  });

  test('its header regex matches the names as Traefik sees them: canonicalized by Go, so case-blind', () => {
    // Go's textproto.CanonicalMIMEHeaderKey: first letter and each letter after '-' upper case, the rest lower.
    const canonical = (h: string): string => h.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    // Go's `(?i)` prefix is JavaScript's `i` flag.
    const regex = new RegExp(AUTHENTIK_HEADERS_REGEX.replace(/^\(\?i\)/, ''), AUTHENTIK_HEADERS_REGEX.startsWith('(?i)') ? 'i' : '');
    for (const header of [...AUTHENTIK_RESPONSE_HEADERS, 'x-AUTHENTIK-username', 'X-authentik-anything-new'])
      expect(regex.test(canonical(header))).toBe(true);
    for (const header of ['X-Forwarded-User', 'Authorization', 'X-Authentikusername']) expect(regex.test(canonical(header))).toBe(false);
    // The regex as often written would match nothing Traefik sees.
    expect(/^X-authentik-/.test(canonical('X-authentik-username'))).toBe(false);
  });

  test('fails on an outpost URL that is not http(s)', () => {
    expect(() => synthResources((scope) => new AuthentikForwardAuth(scope, 'Auth', { outpostUrl: 'ftp://outpost' }))).toThrow(
      'authentik-forward-auth: outpostUrl "ftp://outpost" is not an http or https URL',
    );
  });
});
