/** The parts of Kubernetes objects the deployment checks read; everything optional, as parsed YAML may lack it. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: WorkloadSpec & ServiceSpec;
  subjects?: { kind?: string; name?: string; namespace?: string }[];
  roleRef?: { kind?: string; name?: string };
  rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[];
}

export interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec };
}

export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: { name?: string; port?: number; targetPort?: number | string }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  containers?: Container[];
}

export interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  grpc?: { port?: number };
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort?: number }[];
  env?: {
    name?: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name?: string; key?: string };
      configMapKeyRef?: { name?: string; key?: string };
      fieldRef?: { fieldPath?: string };
    };
  }[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path?: string; target?: unknown; patch?: string }[];
}
