import { Construct } from 'constructs';
import { AUTHENTIK_RESPONSE_HEADERS } from './authentik-forward-auth';
import { AuthentikOutpostRoute, AuthentikOutpostService } from './authentik-outpost-route';
import { DnsOptions, DnsRecords } from './dns-records';
import { AuthPosture, IngressKind, ProtectedIngress } from './protected-ingress';
import { MiddlewareRef } from './traefik';
import type { MiddlewareChain } from './private/vocabulary';
import { TtydBackend } from './ttyd-backend';
import { TtydService } from './ttyd-service';
import { isAuthentikHeader } from './private/authentik';

/** Props of {@link TerminalHost}. */
export interface TerminalHostProps {
  /** Namespace of the Service and the ingress objects. */
  readonly namespace: string;
  /** Public host name (`terminal.example.org`, `terminal-ro.example.org`). */
  readonly host: string;
  /** Where this host's ttyd runs. */
  readonly ttyd: TtydBackend;
  /**
   * Name of the Service and of the main ingress object.
   * @default "terminal"
   */
  readonly name?: string;
  /** Name of the TLS Secret with the host's certificate, in the namespace. */
  readonly tlsSecretName: string;
  /**
   * `Ingress` or Traefik `IngressRoute`.
   * @default "Ingress"
   */
  readonly ingressKind?: IngressKind;
  /**
   * Auth posture.
   * @default "required"
   */
  readonly auth?: AuthPosture;
  /**
   * Why `app` or `none` was chosen; required for those.
   * @default - none
   */
  readonly authReason?: string;
  /**
   * The Authentik forward-auth middleware.
   * @default DEFAULT_AUTH_MIDDLEWARE (traefik/authentik-forward-auth)
   */
  readonly authMiddleware?: MiddlewareRef;
  /**
   * The host's middlewares before auth and after it, on every router of the host.
   * @default - none
   */
  readonly middlewares?: MiddlewareChain;
  /**
   * Further annotations on every ingress object.
   * @default {}
   */
  readonly annotations?: Record<string, string>;
  /**
   * DNS records for the host.
   * @default - none
   */
  readonly dns?: DnsOptions;
  /**
   * Route `/outpost.goauthentik.io/` on this host to Authentik's outpost (the login callback).
   * @default - no route; Authentik's Kubernetes integration must create it
   */
  readonly authentikOutpost?: AuthentikOutpostService;
  /**
   * Base of the outpost route's name (`<base>-outpost`). The route lives in the outpost's namespace,
   * which other stacks share: `TerminalStack` passes `<its namespace>-<name>`.
   * @default - `name`
   */
  readonly outpostRouteName?: string;
  /**
   * Whether the stack created the forward-auth middleware (which removes every client-sent
   * `X-authentik-*` itself through `authResponseHeadersRegex`).
   * @default false
   */
  readonly authMiddlewareCreated?: boolean;
}

/**
 * One public host of the terminal: the ttyd Service, its protected ingress (TLS, auth posture,
 * annotations) and its DNS records. The stack makes one for the terminal and one for the read-only
 * mirror, so both get the same treatment.
 *
 * The terminal's host has construct id `Default`, which cdktf leaves out of Terraform addresses:
 * its resources keep the addresses they had before this construct existed.
 */
export class TerminalHost extends Construct {
  /** Public host name. */
  public readonly host: string;
  public readonly ttydService: TtydService;
  /** The protected ingress of the host (and of its routes). */
  public readonly ingress: ProtectedIngress;
  /** The DNS records, when `dns` is given. */
  public readonly dns?: DnsRecords;
  /** The outpost route, when `authentikOutpost` is given. */
  public readonly outpostRoute?: AuthentikOutpostRoute;

  constructor(scope: Construct, id: string, props: TerminalHostProps) {
    super(scope, id);
    this.host = props.host;
    this.ttydService = new TtydService(this, 'Ttyd', { name: props.name, namespace: props.namespace, ttyd: props.ttyd });
    // A created middleware removes every X-authentik-* itself (authResponseHeadersRegex), so only a
    // ttyd header outside that pattern is left to remove; an existing middleware is unknown, so a
    // headers middleware before it removes them all, the one ttyd trusts included.
    const removeClientHeaders =
      (props.authMiddlewareCreated ?? false)
        ? [this.ttydService.authHeader].filter((h) => !isAuthentikHeader(h))
        : [...new Set([...AUTHENTIK_RESPONSE_HEADERS, this.ttydService.authHeader])];
    this.ingress = new ProtectedIngress(this, 'Ingress', {
      name: props.name,
      namespace: props.namespace,
      host: props.host,
      service: this.ttydService,
      tlsSecretName: props.tlsSecretName,
      ingressKind: props.ingressKind,
      auth: props.auth,
      authReason: props.authReason,
      authMiddleware: props.authMiddleware,
      middlewares: props.middlewares,
      annotations: props.annotations,
      servesShell: true,
      removeClientHeaders,
    });
    if (props.authentikOutpost !== undefined) {
      this.outpostRoute = new AuthentikOutpostRoute(this, 'OutpostRoute', {
        name: props.outpostRouteName ?? props.name,
        host: props.host,
        outpost: props.authentikOutpost,
        ingressKind: props.ingressKind,
      });
    }
    if (props.dns !== undefined) this.dns = new DnsRecords(this, 'Dns', { ...props.dns, host: props.host });
  }
}
