import { Construct } from 'constructs';
import { IngressV1, Manifest, ServiceV1 } from './private/cdktf';
import { Annotations, IngressKind } from './protected-ingress';
import { TRAEFIK_API_VERSION } from './traefik';
import { Problems, checkDnsLabel, checkDnsName, checkPort, checkMetadata } from './private/validation';

/** The path Authentik's outpost serves on every host it protects (login start, callback, sign-out). */
export const AUTHENTIK_OUTPOST_PATH = '/outpost.goauthentik.io/';

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
  /** Namespace of the route objects (the protected host's namespace). */
  readonly namespace: string;
  /** The protected host (`terminal.example.com`). */
  readonly host: string;
  /** TLS Secret (in `namespace`) with the host's certificate. */
  readonly tlsSecretName: string;
  /**
   * Where the outpost runs.
   * @default - the embedded outpost of a Helm-installed Authentik (`authentik/ak-outpost-authentik-embedded-outpost:9000`)
   */
  readonly outpost?: AuthentikOutpostService;
  /**
   * How the route crosses into the outpost's namespace:
   * - `Ingress`: an `ExternalName` Service in `namespace` naming the outpost's Service, and an
   *   `Ingress` for the path. Needs Traefik's `providers.kubernetesIngress.allowExternalNameServices=true`.
   * - `IngressRoute`: one `IngressRoute` whose service names the outpost's namespace. Needs Traefik's
   *   `providers.kubernetesCRD.allowCrossNamespace=true`.
   * Both switches are off by default in Traefik.
   * @default "Ingress"
   */
  readonly kind?: IngressKind;
  /**
   * Base of the object names (`<name>-outpost`).
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
  /** Name of the route object (and of its Service reference). */
  public readonly name: string;
  /** Effective outpost Service. */
  public readonly outpost: Required<AuthentikOutpostService>;
  /** Kind of the route object. */
  public readonly kind: IngressKind;
  /** The `Ingress` or `IngressRoute`. */
  public readonly resource: IngressV1 | Manifest;
  /** The `ExternalName` Service, for the `Ingress` kind. */
  public readonly externalNameService?: ServiceV1;

  constructor(scope: Construct, id: string, props: AuthentikOutpostRouteProps) {
    super(scope, id);
    this.name = `${props.name ?? 'terminal'}-outpost`;
    this.kind = props.kind ?? 'Ingress';
    this.outpost = {
      namespace: props.outpost?.namespace ?? 'authentik',
      name: props.outpost?.name ?? 'ak-outpost-authentik-embedded-outpost',
      port: props.outpost?.port ?? 9000,
    };
    const entryPoint = props.entryPoint ?? 'websecure';
    const labels = props.labels ?? { 'app.kubernetes.io/part-of': 'webterminal' };

    const problems = new Problems('authentik-outpost-route');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', props.namespace));
    problems.add(checkDnsName('host', props.host));
    problems.add(checkDnsName('tlsSecretName', props.tlsSecretName, 'object'));
    problems.add(checkDnsLabel('outpost.namespace', this.outpost.namespace));
    problems.add(checkDnsLabel('outpost.name', this.outpost.name));
    problems.add(checkPort('outpost.port', this.outpost.port));
    problems.add(
      this.kind === 'Ingress' || this.kind === 'IngressRoute'
        ? undefined
        : `kind ${JSON.stringify(this.kind)} is not one of "Ingress", "IngressRoute"`,
    );
    problems.addAll(checkMetadata('labels', 'labels', labels));
    problems.throwIfAny();

    const annotations = {
      [Annotations.authPosture]: 'none',
      [Annotations.authReason]: 'Authentik outpost path: the login flow itself, served by the outpost',
    };
    if (this.kind === 'IngressRoute') {
      this.resource = new Manifest(this, 'Resource', {
        manifest: {
          apiVersion: TRAEFIK_API_VERSION,
          kind: 'IngressRoute',
          metadata: { name: this.name, namespace: props.namespace, labels, annotations },
          spec: {
            entryPoints: [entryPoint],
            routes: [
              {
                kind: 'Rule',
                match: `Host(\`${props.host}\`) && PathPrefix(\`${AUTHENTIK_OUTPOST_PATH}\`)`,
                services: [{ name: this.outpost.name, namespace: this.outpost.namespace, port: this.outpost.port }],
              },
            ],
            tls: { secretName: props.tlsSecretName },
          },
        },
      });
      return;
    }
    this.externalNameService = new ServiceV1(this, 'Service', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        type: 'ExternalName',
        externalName: `${this.outpost.name}.${this.outpost.namespace}.svc.cluster.local`,
        port: [{ name: 'http', port: this.outpost.port, targetPort: String(this.outpost.port), protocol: 'TCP' }],
      },
    });
    this.resource = new IngressV1(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels,
        annotations: { [Annotations.entrypoints]: entryPoint, [Annotations.tls]: 'true', ...annotations },
      },
      spec: {
        ingressClassName: props.ingressClassName ?? 'traefik',
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rule: [
          {
            host: props.host,
            http: {
              path: [
                { path: AUTHENTIK_OUTPOST_PATH, pathType: 'Prefix', backend: { service: { name: this.name, port: { number: this.outpost.port } } } },
              ],
            },
          },
        ],
      },
    });
  }
}
