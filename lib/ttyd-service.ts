import { Construct } from 'constructs';
import { ServiceV1, type Manifest } from './private/cdktf';
import type { TtydBackend, TtydMutualTls } from './ttyd-backend';
import { Problems, checkDnsLabel, checkPort, checkMetadata } from './private/validation';
import { DEFAULT_LABELS, DEFAULT_TTYD_SERVICE_NAME } from './private/defaults';

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
  public readonly resource: ServiceV1;

  constructor(scope: Construct, id: string, props: TtydServiceProps) {
    super(scope, id);
    this.name = props.name ?? DEFAULT_TTYD_SERVICE_NAME;
    this.namespace = props.namespace;
    this.port = props.port ?? 80;
    this.targetPort = props.ttyd.targetPort;
    this.labels = props.labels ?? { ...DEFAULT_LABELS };
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
