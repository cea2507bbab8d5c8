import { Construct } from 'constructs';
import { DEFAULT_LABELS } from './private/defaults';
import { IngressV1, Manifest } from './private/cdktf';
import { Annotations } from './protected-ingress';
import { INGRESS_KINDS, type IngressKind } from './private/vocabulary';
import { TRAEFIK_API_VERSION } from './traefik';
import { Problems, checkDnsLabel, checkDnsName, checkOneOf, checkPort, checkMetadata } from './private/validation';
import contract from './probe/contract.json';

/**
 * The path Authentik's outpost serves on every host it protects (login start, callback, sign-out); the
 * probe's contract holds it, as the probe counts a redirect there as healthy.
 */
export const AUTHENTIK_OUTPOST_PATH: string = contract.outpostPath;

/** The Authentik outpost's Service. */
export interface AuthentikOutpostService {
  /**
   * Namespace of the outpost's Service.
   * @default "authentik"
   */
  readonly namespace?: string;
  /**
   * Name of the outpost's Service.
   * @default "ak-outpost-authentik-embedded-outpost"
   */
  readonly name?: string;
  /**
   * HTTP port of the outpost's Service.
   * @default 9000
   */
  readonly port?: number;
}

/** Props of {@link AuthentikOutpostRoute}. */
export interface AuthentikOutpostRouteProps {
  /** The protected host (`terminal.example.com`). */
  readonly host: string;
  /**
   * Where the outpost runs.
   * @default - the embedded outpost of a Helm-installed Authentik (`authentik/ak-outpost-authentik-embedded-outpost:9000`)
   */
  readonly outpost?: AuthentikOutpostService;
  /**
   * Kind of the route object. Either way the object lives in the outpost's namespace and names the
   * outpost's Service there, so it needs neither of Traefik's switches for crossing namespaces
   * (`providers.kubernetesCRD.allowCrossNamespace`, `providers.kubernetesIngress.allowExternalNameServices`).
   * It names no certificate: Traefik serves the host's certificate, loaded from the protected host's
   * own route, to every router on that host (certificates are chosen by SNI, not per router).
   * @default "Ingress"
   */
  readonly ingressKind?: IngressKind;
  /**
   * Base of the object name (`<name>-outpost`).
   * @default "terminal"
   */
  readonly name?: string;
  /** @default "websecure" */
  readonly entryPoint?: string;
  /** @default "traefik" */
  readonly ingressClassName?: string;
  /**
   * Labels on every object.
   * @default - `app.kubernetes.io/part-of: webterminal`
   */
  readonly labels?: Record<string, string>;
}

/**
 * Routes `/outpost.goauthentik.io/` on a protected host to Authentik's outpost, without forward-auth
 * (as Authentik documents): the login flow's start and callback live there, and without this route
 * the callback fails. The one route on the host that is exempt from the auth posture; it reaches only
 * the outpost, never the app.
 */
export class AuthentikOutpostRoute extends Construct {
  public readonly name: string;
  /** Effective outpost Service. */
  public readonly outpost: Required<AuthentikOutpostService>;
  public readonly ingressKind: IngressKind;
  /** The `Ingress` or `IngressRoute`, in the outpost's namespace. */
  public readonly resource: IngressV1 | Manifest;

  constructor(scope: Construct, id: string, props: AuthentikOutpostRouteProps) {
    super(scope, id);
    this.name = `${props.name ?? 'terminal'}-outpost`;
    this.ingressKind = props.ingressKind ?? 'Ingress';
    this.outpost = {
      namespace: props.outpost?.namespace ?? 'authentik',
      name: props.outpost?.name ?? 'ak-outpost-authentik-embedded-outpost',
      port: props.outpost?.port ?? 9000,
    };
    const entryPoint = props.entryPoint ?? 'websecure';
    const labels = props.labels ?? { ...DEFAULT_LABELS };

    const problems = new Problems('authentik-outpost-route');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsName('host', props.host));
    problems.add(checkDnsLabel('outpost.namespace', this.outpost.namespace));
    problems.add(checkDnsLabel('outpost.name', this.outpost.name));
    problems.add(checkPort('outpost.port', this.outpost.port));
    problems.add(checkOneOf('ingressKind', this.ingressKind, INGRESS_KINDS));
    problems.addAll(checkMetadata('labels', 'labels', labels));
    problems.throwIfAny(this);

    const annotations = {
      [Annotations.authPosture]: 'none',
      [Annotations.authReason]: 'Authentik outpost path: the login flow itself, served by the outpost',
    };
    if (this.ingressKind === 'IngressRoute') {
      this.resource = new Manifest(this, 'Resource', {
        manifest: {
          apiVersion: TRAEFIK_API_VERSION,
          kind: 'IngressRoute',
          metadata: { name: this.name, namespace: this.outpost.namespace, labels, annotations },
          spec: {
            entryPoints: [entryPoint],
            routes: [
              {
                kind: 'Rule',
                match: `Host(\`${props.host}\`) && PathPrefix(\`${AUTHENTIK_OUTPOST_PATH}\`)`,
                services: [{ name: this.outpost.name, port: this.outpost.port }],
              },
            ],
            tls: {},
          },
        },
      });
      return;
    }
    this.resource = new IngressV1(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.outpost.namespace,
        labels,
        annotations: { [Annotations.entrypoints]: entryPoint, [Annotations.tls]: 'true', ...annotations },
      },
      spec: {
        ingressClassName: props.ingressClassName ?? 'traefik',
        tls: [{ hosts: [props.host] }],
        rule: [
          {
            host: props.host,
            http: {
              path: [
                {
                  path: AUTHENTIK_OUTPOST_PATH,
                  pathType: 'Prefix',
                  backend: { service: { name: this.outpost.name, port: { number: this.outpost.port } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}
