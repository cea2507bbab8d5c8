import { Construct } from 'constructs';
import { Manifest } from './private/cdktf';
import type { MiddlewareRef } from './traefik';
import { AUTHENTIK_HEADERS_REGEX, AUTHENTIK_RESPONSE_HEADERS } from './private/vocabulary';
import { DEFAULT_AUTH_MIDDLEWARE } from './private/defaults';
import { Problems, checkDnsLabel, checkHttpUrl } from './private/validation';
import { traefikObject } from './private/traefik';
import { escapeTemplates } from './private/templates';

export { AUTHENTIK_HEADERS_REGEX, AUTHENTIK_RESPONSE_HEADERS } from './private/vocabulary';

/** Props of {@link AuthentikForwardAuth}. */
export interface AuthentikForwardAuthProps {
  /**
   * Namespace of the Middleware.
   * @default "traefik"
   */
  readonly namespace?: string;
  /**
   * Name of the Middleware.
   * @default "authentik-forward-auth"
   */
  readonly name?: string;
  /**
   * The outpost's Traefik endpoint.
   * @default "http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik"
   */
  readonly outpostUrl?: string;
  /**
   * Trust `X-Forwarded-*` headers from the client side (needed behind a CDN or tunnel, so the
   * outpost sees the original host and scheme).
   * @default true
   */
  readonly trustForwardHeader?: boolean;
  /**
   * Headers copied from the outpost's answer onto the request to the app.
   * @default AUTHENTIK_RESPONSE_HEADERS
   */
  readonly authResponseHeaders?: string[];
}

/**
 * The Traefik `forwardAuth` Middleware that sends every request to Authentik's outpost first, for
 * clusters that do not have it yet. No client-sent `X-authentik-*` header passes it: the listed
 * ones and every one matching {@link AUTHENTIK_HEADERS_REGEX} are replaced by the outpost's answer.
 * Pass {@link AuthentikForwardAuth.ref} to a protected ingress.
 */
export class AuthentikForwardAuth extends Construct {
  /** Reference for ingresses that use this middleware. */
  public readonly ref: MiddlewareRef;
  public readonly outpostUrl: string;
  /** Whether forwarded headers are trusted. */
  public readonly trustForwardHeader: boolean;
  /** Headers copied onto the request. */
  public readonly authResponseHeaders: readonly string[];
  public readonly resource: Manifest;

  constructor(scope: Construct, id: string, props: AuthentikForwardAuthProps = {}) {
    super(scope, id);
    this.ref = { namespace: props.namespace ?? DEFAULT_AUTH_MIDDLEWARE.namespace, name: props.name ?? DEFAULT_AUTH_MIDDLEWARE.name };
    this.outpostUrl =
      props.outpostUrl ?? 'http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik';
    this.trustForwardHeader = props.trustForwardHeader ?? true;
    this.authResponseHeaders = props.authResponseHeaders ?? AUTHENTIK_RESPONSE_HEADERS;

    const problems = new Problems('authentik-forward-auth');
    problems.add(checkDnsLabel('namespace', this.ref.namespace));
    problems.add(checkDnsLabel('name', this.ref.name));
    problems.add(checkHttpUrl('outpostUrl', this.outpostUrl));
    problems.throwIfAny(this);

    this.resource = traefikObject(this, 'Resource', 'Middleware', this.ref, {
      forwardAuth: {
        address: escapeTemplates(this.outpostUrl),
        trustForwardHeader: this.trustForwardHeader,
        authResponseHeaders: [...this.authResponseHeaders],
        // Removes forged X-authentik-* request headers even when they are not in the list above.
        authResponseHeadersRegex: AUTHENTIK_HEADERS_REGEX,
      },
    });
  }
}
