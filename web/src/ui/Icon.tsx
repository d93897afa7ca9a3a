// Inline SVG icons (no icon font, no outside request). Decorative: the control carries the label.
const PATHS = {
  chat: 'M4 4h16v12H8l-4 4z',
  documents: 'M6 2h9l5 5v15H6zM14 2v6h6',
  admin: 'M12 2l8 4v6c0 5-3.5 9-8 10-4.5-1-8-5-8-10V6z',
  settings: 'M12 8a4 4 0 100 8 4 4 0 000-8zM3 12h3M18 12h3M12 3v3M12 18v3',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  menu: 'M3 6h18M3 12h18M3 18h18',
  close: 'M6 6l12 12M18 6L6 18',
  plus: 'M12 5v14M5 12h14',
  send: 'M3 20l18-8L3 4v6l12 2-12 2z',
  stop: 'M7 7h10v10H7z',
  copy: 'M8 8h12v12H8zM4 4h12v2H6v10H4z',
  refresh: 'M20 11a8 8 0 10-2.3 5.7M20 4v7h-7',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  edit: 'M4 20h4L20 8l-4-4L4 16z',
  upload: 'M12 16V4M7 9l5-5 5 5M4 20h16',
  download: 'M12 4v12M7 11l5 5 5-5M4 20h16',
  search: 'M10 4a6 6 0 110 12 6 6 0 010-12zM15 15l5 5',
  book: 'M4 4h7a3 3 0 013 3v13a3 3 0 00-3-3H4zM20 4h-6',
  eye: 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 9a3 3 0 100 6 3 3 0 000-6z',
  image: 'M3 5h18v14H3zM3 16l5-5 4 4 3-3 6 6',
  chevron: 'M9 6l6 6-6 6',
} as const;

/** The names of the icons. */
export type IconName = keyof typeof PATHS;

/** A 20px stroke icon in the current text colour. */
export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
