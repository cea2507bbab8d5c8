import { Construct } from 'constructs';
import { DeploymentV1, EndpointsV1, ServiceV1 } from './cdktf';
import { Problems, checkDnsLabel, checkHostAddress, checkInteger, checkLabels, checkPinnedImage, checkPort } from './validation';

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

  /** @internal */
  public abstract _problems(problems: Problems): void;

  /** @internal Creates what the backend needs next to the Service; returns the Service selector, if any. */
  public abstract _bind(scope: TtydService): Record<string, string> | undefined;
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
}

/** Options of {@link TtydBackend.inCluster}. */
export interface InClusterTtydOptions {
  /**
   * Container image, pinned. Prefer a digest (`tsl0922/ttyd@sha256:...`) where your registry allows.
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

class ExternalTtyd extends TtydBackend {
  public readonly targetPort: number;
  public readonly address: string;

  constructor(options: ExternalTtydOptions) {
    super();
    this.address = options.address;
    this.targetPort = options.port ?? 7681;
  }

  public get externalAddress(): string {
    return this.address;
  }

  public _problems(problems: Problems): void {
    problems.add(checkHostAddress('address', this.address));
    problems.add(checkPort('port', this.targetPort));
  }

  public _bind(scope: TtydService): undefined {
    // A Service without selector gets its endpoints from an Endpoints object of the same name,
    // whose port name matches the Service port's name.
    new EndpointsV1(scope, 'Endpoints', {
      metadata: { name: scope.name, namespace: scope.namespace, labels: scope.labels },
      subset: [{ address: [{ ip: this.address }], port: [{ name: 'http', port: this.targetPort, protocol: 'TCP' }] }],
    });
    return undefined;
  }
}

class InClusterTtyd extends TtydBackend {
  public readonly externalAddress = undefined;
  public readonly targetPort: number;
  public readonly image: string;
  public readonly authHeader: string;
  public readonly command: string[];
  public readonly replicas: number;
  public readonly runAsUser: number;
  public readonly resources: { requests: Record<string, string>; limits: Record<string, string> };

  constructor(options: InClusterTtydOptions) {
    super();
    this.image = options.image ?? 'tsl0922/ttyd:1.7.7';
    this.authHeader = options.authHeader ?? 'X-authentik-username';
    this.command = options.command ?? ['bash'];
    this.targetPort = options.port ?? 7681;
    this.replicas = options.replicas ?? 1;
    this.runAsUser = options.runAsUser ?? 1000;
    this.resources = {
      requests: { cpu: options.cpuRequest ?? '50m', memory: options.memoryRequest ?? '64Mi' },
      limits: { cpu: options.cpuLimit ?? '1', memory: options.memoryLimit ?? '512Mi' },
    };
  }

  public _problems(problems: Problems): void {
    problems.add(checkPinnedImage('image', this.image));
    problems.add(/^[A-Za-z0-9-]+$/.test(this.authHeader) ? undefined : `authHeader ${JSON.stringify(this.authHeader)} is not an HTTP header name`);
    problems.add(this.command.length > 0 ? undefined : 'command must name a program');
    problems.add(checkPort('port', this.targetPort));
    problems.add(checkInteger('replicas', this.replicas, 1));
    problems.add(checkInteger('runAsUser', this.runAsUser, 1));
  }

  public _bind(scope: TtydService): Record<string, string> {
    const selector = { 'app.kubernetes.io/name': 'ttyd', 'app.kubernetes.io/instance': scope.name };
    new DeploymentV1(scope, 'Deployment', {
      metadata: { name: scope.name, namespace: scope.namespace, labels: { ...scope.labels, ...selector } },
      spec: {
        replicas: String(this.replicas),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...scope.labels, ...selector } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: String(this.runAsUser), seccompProfile: { type: 'RuntimeDefault' } },
            container: [
              {
                name: 'ttyd',
                image: this.image,
                command: ['ttyd'],
                args: ['--port', String(this.targetPort), '--auth-header', this.authHeader, '--writable', ...this.command],
                port: [{ name: 'http', containerPort: this.targetPort }],
                readinessProbe: {
                  // ttyd answers 407 without the auth header; /token with it is the cheapest 200.
                  httpGet: { path: '/token', port: String(this.targetPort), httpHeader: [{ name: this.authHeader, value: 'kubelet-readiness' }] },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                },
                resources: this.resources,
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    });
    return selector;
  }
}

/** Props of {@link TtydService}. */
export interface TtydServiceProps {
  /** Namespace of the Service (and of the Deployment or Endpoints). */
  readonly namespace: string;
  /** Where ttyd runs. */
  readonly backend: TtydBackend;
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
  /** Service name. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Port the Service exposes. */
  public readonly port: number;
  /** Port ttyd listens on. */
  public readonly targetPort: number;
  /** Labels on every object. */
  public readonly labels: Record<string, string>;
  /** The in-cluster URL of the Service (`http://<name>.<namespace>.svc.cluster.local[:port]`). */
  public readonly url: string;
  /** The Service resource. */
  public readonly resource: ServiceV1;

  constructor(scope: Construct, id: string, props: TtydServiceProps) {
    super(scope, id);
    this.name = props.name ?? 'terminal';
    this.namespace = props.namespace;
    this.port = props.port ?? 80;
    this.targetPort = props.backend.targetPort;
    this.labels = props.labels ?? { 'app.kubernetes.io/part-of': 'webterminal' };

    const problems = new Problems('ttyd-service');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkPort('port', this.port));
    problems.add(checkLabels('labels', this.labels));
    props.backend._problems(problems);
    problems.throwIfAny();

    const selector = props.backend._bind(this);
    this.resource = new ServiceV1(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
      spec: {
        selector,
        port: [{ name: 'http', port: this.port, targetPort: String(this.targetPort), protocol: 'TCP' }],
      },
    });
    const portSuffix = this.port === 80 ? '' : `:${this.port}`;
    this.url = `http://${this.name}.${this.namespace}.svc.cluster.local${portSuffix}`;
  }
}
