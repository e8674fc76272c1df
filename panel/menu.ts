/** The panel's context menu: one at a time, opened at the pointer, closed by any click or Esc. */
import { signal } from '@preact/signals';

export interface MenuItem {
  label: string;
  run(): void;
  /** A checkable item (a column chooser's): shown with its check, as `menuitemcheckbox`. */
  checked?: boolean;
  disabled?: boolean;
}

export interface MenuState {
  x: number;
  y: number;
  items: MenuItem[];
}

export function createMenuStore() {
  const open = signal<MenuState | null>(null);
  return {
    open,
    show(e: MouseEvent, items: MenuItem[]) {
      e.preventDefault();
      open.value = { x: e.clientX, y: e.clientY, items };
    },
    close() {
      open.value = null;
    },
  };
}

export const menu = createMenuStore();
