import { useEffect } from 'preact/hooks';
import { menu } from '../menu';

export function ContextMenu() {
  const state = menu.open.value;
  useEffect(() => {
    if (!state) return;
    const close = () => menu.close();
    // Deferred so the click that opened nothing (or the contextmenu's own mouseup) does not close it.
    const t = setTimeout(() => {
      window.addEventListener('click', close);
      window.addEventListener('blur', close);
      window.addEventListener('resize', close);
    });
    return () => {
      clearTimeout(t);
      window.removeEventListener('click', close);
      window.removeEventListener('blur', close);
      window.removeEventListener('resize', close);
    };
  }, [state]);
  if (!state) return null;
  const x = Math.min(state.x, window.innerWidth - 200);
  const y = Math.min(state.y, window.innerHeight - state.items.length * 24 - 8);
  return (
    <div class="context-menu" role="menu" style={{ left: `${x}px`, top: `${y}px` }}>
      {state.items.map((it) => (
        <button
          key={it.label}
          type="button"
          role={it.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked={it.checked}
          disabled={it.disabled}
          class={it.checked === undefined ? undefined : it.checked ? 'check on' : 'check'}
          onClick={() => {
            menu.close();
            it.run();
          }}
        >
          {it.label}
        </button>
      ))}
    </div>
  );
}
