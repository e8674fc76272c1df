import type { PanelStore } from '../store';

const MIN = 60;

/** Drag handle between the connection list and the detail; arrow keys move it too. */
export function Splitter({ store }: { store: PanelStore }) {
  const h = store.layout.listHeight;
  const clamp = (v: number) => Math.max(MIN, Math.min(window.innerHeight - 120, v));
  const onPointerDown = (e: PointerEvent) => {
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const start = h.value;
    const move = (m: PointerEvent) => (h.value = clamp(start + m.clientY - startY));
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    h.value = clamp(h.value + (e.key === 'ArrowDown' ? 20 : -20));
  };
  return <div class="splitter" role="separator" aria-orientation="horizontal" aria-label="Resize the connection list" aria-valuenow={h.value} tabIndex={0} onPointerDown={onPointerDown} onKeyDown={onKeyDown} />;
}
