import { Construct } from 'constructs';
import { EndpointsV1, Manifest, ServiceV1, loadDeploymentV1 } from './private/cdktf';
import { ServiceAnnotations } from './traefik';
import {
  Problems,
  checkDnsLabel,
  checkDnsName,
  checkHostAddress,
  checkInteger,
  checkPinnedImage,
  checkPort,
  checkMetadata,
} from './private/validation';
import { middlewareAnnotationValue, traefikObject } from './private/traefik';
import { restrictedContainerSecurity } from './private/pod-security';
import { DEFAULT_TTYD_SERVICE_NAME } from './private/defaults';
import contract from './probe/contract.json';

/** Where ttyd runs: on a host outside the cluster, or as a Deployment inside it. */
export abstract class TtydBackend {
  /**
   * ttyd on a host outside the cluster (the original setup: a dev VM). The Service has no selector;
   * an Endpoints object names the host's address and port.
   */
  public static externalHost(options: ExternalTtydOptions): TtydBackend {
    return new ExternalTtyd(options);
  }

  /** ttyd as a Deployment in the cluster, selected by the Service. */
  public static inCluster(options: InClusterTtydOptions = {}): TtydBackend {
    return new InClusterTtyd(options);
  }

  /** The port ttyd listens on. */
  public abstract readonly targetPort: number;

  /** The host's address when ttyd runs outside the cluster; sibling services on that host share it. */
  public abstract readonly externalAddress: string | undefined;

  /** The request header ttyd trusts as the signed-in user (`--auth-header`). */
  public abstract readonly authHeader: string;

  /** Mutual TLS between Traefik (and the probe) and ttyd, when set. */
  public abstract readonly mutualTls: TtydMutualTls | undefined;

  /** @internal */
  public abstract _problems(problems: Problems): void;

  /** @internal Creates what the backend needs next to the Service; returns the Service's selector and annotations. */
  public abstract _bind(scope: TtydService): TtydBinding;
}

/** @internal What a backend hands back to its Service. */
export interface TtydBinding {
  readonly selector?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly serversTransport?: string;
  readonly serversTransportResource?: Manifest;
}

/**
 * Mutual TLS towards ttyd: ttyd runs with `--ssl --ssl-cert --ssl-key --ssl-ca` and accepts only
 * clients with a certificate from that CA; Traefik presents the client certificate through a
 * `ServersTransport`, and the probe's origin checks present the same one.
 */
export interface TtydMutualTls {
  /**
   * Secret in the stack's namespace with the client certificate (`tls.crt`, `tls.key`) and the CA that
   * signed ttyd's server certificate (`ca.crt`). Created by you (or cert-manager), never by the stack.
   */
  readonly clientCertSecret: string;
  /**
   * Name ttyd's server certificate is checked against.
   * @default - the Service's in-cluster DNS name (`<name>.<namespace>.svc.cluster.local`)
   */
  readonly serverName?: string;
}

/** Options of {@link TtydBackend.externalHost}. */
export interface ExternalTtydOptions {
  /** IPv4 address of the host that runs ttyd (Endpoints need an address, not a name). */
  readonly address: string;
  /**
   * Port ttyd listens on at that host.
   * @default 7681
   */
  readonly port?: number;
  /**
   * The header ttyd on the host trusts (its `-H` flag); the ingress removes it from client requests.
   * @default "X-authentik-username"
   */
  readonly authHeader?: string;
  /**
   * Mutual TLS to the host: the only way to make the host's port refuse everyone but Traefik (and
   * the probe), since a firewall on the host can only allow whole cluster nodes.
   * @default - none: plain HTTP, guarded by the host's firewall only
   */
  readonly mutualTls?: TtydMutualTls;
}

/** Options of {@link TtydBackend.inCluster}. */
export interface InClusterTtydOptions {
  /**
   * Container image, pinned by tag or digest (`tsl0922/ttyd:1.7.7@sha256:...`, `tsl0922/ttyd@sha256:...`).
   * The image's `ENTRYPOINT` (`tini --`) stays PID 1 and reaps orphans: the stack sets only `args`.
   * @default "tsl0922/ttyd:1.7.7"
   */
  readonly image?: string;
  /**
   * The request header the auth proxy fills with the signed-in user; ttyd trusts it
   * (`--auth-header`) and answers 407 to requests without it.
   * @default "X-authentik-username"
   */
  readonly authHeader?: string;
  /**
   * The command ttyd runs for each session.
   * @default ["bash"]
   */
  readonly command?: string[];
  /**
   * Port ttyd listens on in the pod.
   * @default 7681
   */
  readonly port?: number;
  /**
   * Pod replicas. Sessions live in the pod that started them, so more than one only makes sense
   * with a sticky session at the proxy.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Non-root user id the container runs as.
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Group id the container runs as (and owns the writable volumes).
   * @default - the same as `runAsUser`
   */
  readonly runAsGroup?: number;
  /**
   * Ephemeral-storage request and limit, Kubernetes quantities. The root filesystem is read-only;
   * what a session writes goes to `HOME` and `/tmp` (both `emptyDir`) and counts here, so one
   * session cannot fill the node's disk: past the limit the kubelet evicts the pod.
   * @default - request "64Mi", limit "1Gi"
   */
  readonly ephemeralStorageRequest?: string;
  /** @default "1Gi" */
  readonly ephemeralStorageLimit?: string;
  /**
   * CPU request and limit, Kubernetes quantities.
   * @default - request "50m", limit "1"
   */
  readonly cpuRequest?: string;
  /** @default "1" */
  readonly cpuLimit?: string;
  /**
   * Memory request and limit, Kubernetes quantities.
   * @default - request "64Mi", limit "512Mi"
   */
  readonly memoryRequest?: string;
  /** @default "512Mi" */
  readonly memoryLimit?: string;
}

/**
 * The header Authentik's outpost fills with the signed-in user, and ttyd trusts by default (the probe's
 * contract holds it: the probe claims its user in it).
 */
export const DEFAULT_TTYD_AUTH_HEADER: string = contract.defaults.authHeader;

function checkHeaderName(field: string, value: string): string | undefined {
  return /^[A-Za-z0-9-]+$/.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not an HTTP header name`;
}

class ExternalTtyd extends TtydBackend {
  public readonly targetPort: number;
  public readonly address: string;
  public readonly authHeader: string;
  public readonly mutualTls: TtydMutualTls | undefined;

  constructor(options: ExternalTtydOptions) {
    super();
    this.address = options.address;
    this.targetPort = options.port ?? 7681;
    this.authHeader = options.authHeader ?? DEFAULT_TTYD_AUTH_HEADER;
    this.mutualTls = options.mutualTls;
  }

  public get externalAddress(): string {
    return this.address;
  }

  public _problems(problems: Problems): void {
    problems.add(checkHostAddress('address', this.address));
    problems.add(checkPort('port', this.targetPort));
    problems.add(checkHeaderName('ttyd.authHeader', this.authHeader));
    if (this.mutualTls !== undefined) {
      problems.add(checkDnsName('mutualTls.clientCertSecret', this.mutualTls.clientCertSecret, 'object'));
      if (this.mutualTls.serverName !== undefined) problems.add(checkDnsName('mutualTls.serverName', this.mutualTls.serverName));
    }
  }

  public _bind(scope: TtydService): TtydBinding {
    // A Service without selector gets its endpoints from an Endpoints object of the same name,
    // whose port name matches the Service port's name.
    new EndpointsV1(scope, 'Endpoints', {
      metadata: { name: scope.name, namespace: scope.namespace, labels: scope.labels },
      subset: [{ address: [{ ip: this.address }], port: [{ name: 'http', port: this.targetPort, protocol: 'TCP' }] }],
    });
    if (this.mutualTls === undefined) return {};
    // Traefik checks ttyd's certificate against the CA and presents the client certificate; both come
    // from the one Secret (`certificatesSecrets` reads tls.crt/tls.key, `rootCAs` ca.crt). `rootCAs`
    // is Traefik v3.4's; real v3.7 logs the older `rootCAsSecrets` as deprecated.
    const ref = { namespace: scope.namespace, name: scope.name };
    const resource = traefikObject(
      scope,
      'ServersTransport',
      'ServersTransport',
      ref,
      {
        serverName: this.mutualTls.serverName ?? `${scope.name}.${scope.namespace}.svc.cluster.local`,
        certificatesSecrets: [this.mutualTls.clientCertSecret],
        rootCAs: [{ secret: this.mutualTls.clientCertSecret }],
      },
      scope.labels,
    );
    return {
      annotations: { [ServiceAnnotations.serversScheme]: 'https', [ServiceAnnotations.serversTransport]: middlewareAnnotationValue(ref) },
      serversTransport: ref.name,
      serversTransportResource: resource,
    };
  }
}

/** Where an in-cluster ttyd's writable volumes are mounted; `HOME` points at the first. */
export const TTYD_HOME = '/home/terminal';

class InClusterTtyd extends TtydBackend {
  public readonly externalAddress = undefined;
  public readonly mutualTls = undefined;
  public readonly targetPort: number;
  public readonly image: string;
  public readonly authHeader: string;
  public readonly command: string[];
  public readonly replicas: number;
  public readonly runAsUser: number;
  public readonly runAsGroup: number;
  public readonly resources: { requests: Record<string, string>; limits: Record<string, string> };

  constructor(options: InClusterTtydOptions) {
    super();
    this.image = options.image ?? 'tsl0922/ttyd:1.7.7';
    this.authHeader = options.authHeader ?? DEFAULT_TTYD_AUTH_HEADER;
    this.command = options.command ?? ['bash'];
    this.targetPort = options.port ?? 7681;
    this.replicas = options.replicas ?? 1;
    this.runAsUser = options.runAsUser ?? 1000;
    this.runAsGroup = options.runAsGroup ?? this.runAsUser;
    this.resources = {
      requests: {
        cpu: options.cpuRequest ?? '50m',
        memory: options.memoryRequest ?? '64Mi',
        'ephemeral-storage': options.ephemeralStorageRequest ?? '64Mi',
      },
      limits: { cpu: options.cpuLimit ?? '1', memory: options.memoryLimit ?? '512Mi', 'ephemeral-storage': options.ephemeralStorageLimit ?? '1Gi' },
    };
  }

  public _problems(problems: Problems): void {
    problems.add(checkPinnedImage('image', this.image));
    problems.add(checkHeaderName('ttyd.authHeader', this.authHeader));
    problems.add(this.command.length > 0 ? undefined : 'command must name a program');
    problems.add(checkPort('port', this.targetPort));
    problems.add(checkInteger('replicas', this.replicas, 1));
    problems.add(checkInteger('runAsUser', this.runAsUser, 1));
    problems.add(checkInteger('runAsGroup', this.runAsGroup, 1));
  }

  /** ttyd's flags: `args` replaces the image's `CMD` (`ttyd bash`), so it starts with `ttyd`. */
  public get args(): string[] {
    // --check-origin: a WebSocket from a foreign Origin is closed (measured on ttyd 1.7.7).
    return ['ttyd', '--port', String(this.targetPort), '--auth-header', this.authHeader, '--check-origin', '--writable', ...this.command];
  }

  public _bind(scope: TtydService): TtydBinding {
    const selector = { 'app.kubernetes.io/name': 'ttyd', 'app.kubernetes.io/instance': scope.name };
    const DeploymentV1 = loadDeploymentV1(); // loaded here, on first use (lib/private/cdktf.ts)
    new DeploymentV1(scope, 'Deployment', {
      metadata: { name: scope.name, namespace: scope.namespace, labels: { ...scope.labels, ...selector } },
      spec: {
        replicas: String(this.replicas),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...scope.labels, ...selector } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(this.runAsUser),
              runAsGroup: String(this.runAsGroup),
              fsGroup: String(this.runAsGroup),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            container: [
              {
                name: 'ttyd',
                image: this.image,
                // No `command`: the image's entrypoint (tini) stays PID 1 and reaps what sessions leave behind.
                args: this.args,
                env: [{ name: 'HOME', value: TTYD_HOME }],
                port: [{ name: 'http', containerPort: this.targetPort }],
                readinessProbe: {
                  // ttyd answers 407 without the auth header; /token with it is the cheapest 200.
                  httpGet: { path: '/token', port: String(this.targetPort), httpHeader: [{ name: this.authHeader, value: 'kubelet-readiness' }] },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                },
                resources: this.resources,
                securityContext: restrictedContainerSecurity(),
                volumeMount: [
                  { name: 'home', mountPath: TTYD_HOME },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volume: [
              { name: 'home', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    return { selector };
  }
}

/** Props of {@link TtydService}. */
export interface TtydServiceProps {
  /** Namespace of the Service (and of the Deployment or Endpoints). */
  readonly namespace: string;
  /** Where ttyd runs. */
  readonly ttyd: TtydBackend;
  /**
   * Name of the Service; other objects (Endpoints, Deployment) take the same name.
   * @default "terminal"
   */
  readonly name?: string;
  /**
   * Port the Service exposes in the cluster (the probe and the ingress talk to it).
   * @default 80
   */
  readonly port?: number;
  /**
   * Labels on every object.
   * @default - `app.kubernetes.io/part-of: webterminal`
   */
  readonly labels?: Record<string, string>;
}

/** The Kubernetes Service in front of ttyd, with the Endpoints or the Deployment behind it. */
export class TtydService extends Construct {
  /** Name of the Service (and of the Endpoints or Deployment behind it). */
  public readonly name: string;
  /** Namespace of every object this construct makes. */
  public readonly namespace: string;
  /** Port the Service exposes. */
  public readonly port: number;
  /** Port ttyd listens on. */
  public readonly targetPort: number;
  /** Labels on every object. */
  public readonly labels: Record<string, string>;
  /** The in-cluster URL of the Service (`http[s]://<name>.<namespace>.svc.cluster.local[:port]`). */
  public readonly url: string;
  /** `https` when ttyd is reached with mutual TLS, else `http`. */
  public readonly scheme: 'http' | 'https';
  /** The `ServersTransport` name an `IngressRoute` uses for this Service, with mutual TLS. */
  public readonly serversTransport: string | undefined;
  /** The `ServersTransport` object, with mutual TLS (not in the original stack: `adopt` creates it). */
  public readonly serversTransportResource: Manifest | undefined;
  /** Mutual TLS settings, when ttyd requires a client certificate. */
  public readonly mutualTls: TtydMutualTls | undefined;
  /** The header ttyd trusts. */
  public readonly authHeader: string;
  /** Labels of the ttyd pods, when ttyd runs in the cluster. */
  public readonly podSelector: Readonly<Record<string, string>> | undefined;
  /** The Service resource. */
  public readonly resource: ServiceV1;

  constructor(scope: Construct, id: string, props: TtydServiceProps) {
    super(scope, id);
    this.name = props.name ?? DEFAULT_TTYD_SERVICE_NAME;
    this.namespace = props.namespace;
    this.port = props.port ?? 80;
    this.targetPort = props.ttyd.targetPort;
    this.labels = props.labels ?? { 'app.kubernetes.io/part-of': 'webterminal' };
    this.mutualTls = props.ttyd.mutualTls;
    this.authHeader = props.ttyd.authHeader;
    this.scheme = this.mutualTls !== undefined ? 'https' : 'http';

    const problems = new Problems('ttyd-service');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkPort('port', this.port));
    problems.addAll(checkMetadata('labels', 'labels', this.labels));
    props.ttyd._problems(problems);
    problems.throwIfAny(this);

    const binding = props.ttyd._bind(this);
    this.podSelector = binding.selector;
    this.serversTransport = binding.serversTransport;
    this.serversTransportResource = binding.serversTransportResource;
    this.resource = new ServiceV1(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels, annotations: binding.annotations },
      spec: {
        selector: binding.selector,
        port: [{ name: 'http', port: this.port, targetPort: String(this.targetPort), protocol: 'TCP' }],
      },
    });
    const portSuffix = this.port === (this.scheme === 'https' ? 443 : 80) ? '' : `:${this.port}`;
    this.url = `${this.scheme}://${this.name}.${this.namespace}.svc.cluster.local${portSuffix}`;
  }
}
