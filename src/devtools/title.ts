/** The panel's title in DevTools' tab strip (tests look the panel up by it). */
export const PANEL_TITLE = 'Durable Sessions';
