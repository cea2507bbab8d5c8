/**
 * The container security context both pods share (ttyd and the probe): what Pod Security
 * "restricted" asks of a container, plus a read-only root. A fresh object each time, since the
 * provider's classes keep what they are given.
 *
 * `runAsNonRoot` is set here as well as on the pod: the provider sends every field of the block,
 * an unset bool as `false`, and the API server's Pod Security admission refuses a container that
 * says `runAsNonRoot: false` whatever its pod says (seen on kube-apiserver 1.34 with the objects the
 * provider's expanders make).
 */
export function restrictedContainerSecurity(): {
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: boolean;
  privileged: boolean;
  runAsNonRoot: boolean;
  capabilities: { drop: string[] };
} {
  return { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
}
