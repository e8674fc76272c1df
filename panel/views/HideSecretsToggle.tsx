import { hideSecrets } from '../logic/hide-secrets';

/** The panel-wide "Hide secrets" switch, shown in each view that displays payloads. */
export function HideSecretsToggle() {
  return (
    <label class="hide-secrets" title="Mask what an export would redact (credentials, keys, tokens) in every view">
      <input type="checkbox" aria-label="Hide secrets" checked={hideSecrets.value} onChange={(e) => (hideSecrets.value = e.currentTarget.checked)} /> Hide secrets
    </label>
  );
}
