/**
 * A modal `<dialog>`: the browser traps focus, Esc closes it, and focus returns to where it was.
 * Rendered only while open; `onClose` puts the store back.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function Modal({ label, onClose, children, class: cls }: { label: string; onClose: () => void; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (d && !d.open) d.showModal();
    return () => before?.focus?.();
  }, []);
  return (
    <dialog ref={ref} class={`modal ${cls ?? ''}`} aria-label={label} onClose={onClose} onCancel={(e) => (e.preventDefault(), onClose())}>
      <header class="modal-head">
        <h2>{label}</h2>
        <button type="button" class="close" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      {children}
    </dialog>
  );
}
