/** The namespace: labels a cluster policy owns are left to it. */
import { stackOf, synthStack } from '../support/original-setup';

describe('TerminalStack: ignored namespace labels', () => {
  test("become lifecycle.ignore_changes on the namespace, in the provider's address syntax", () => {
    const json = synthStack({ namespaceIgnoredLabels: ['goldilocks.fairwinds.com/vpa-update-mode'] });
    expect(json.resource.kubernetes_namespace_v1.Namespace.lifecycle).toStrictEqual({
      ignore_changes: ['metadata[0].labels["goldilocks.fairwinds.com/vpa-update-mode"]'],
    });
    expect(synthStack().resource.kubernetes_namespace_v1.Namespace.lifecycle).toBeUndefined();
  });

  test('a bad key is an error naming it', () => {
    expect(() => stackOf({ namespaceIgnoredLabels: ['not a key'] })).toThrow('terminal-stack: namespaceIgnoredLabels[0]');
  });
});
