/** The original owner's carve-out case: the nine exact asset paths (a PWA manifest, icons, web fonts) public to a second backend. */
export const ASSETS = [
  '/manifest.webmanifest',
  '/favicon.ico',
  '/apple-touch-icon.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/fonts/inter.woff2',
  '/fonts/inter-bold.woff2',
  '/fonts/jetbrains-mono.woff2',
];

export const ASSETS_AUTH_REASON = 'icon fetchers and the PWA manifest request carry no session cookie';
