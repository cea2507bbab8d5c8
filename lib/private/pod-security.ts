/**
 * The container security context both pods share (ttyd and the probe): what Pod Security
 * "restricted" asks of a container, plus a read-only root. A fresh object each time, since the
 * provider's classes keep what they are given.
 */
export function restrictedContainerSecurity(): {
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: boolean;
  privileged: boolean;
  capabilities: { drop: string[] };
} {
  return { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } };
}
