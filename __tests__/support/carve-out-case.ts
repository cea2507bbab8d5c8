import type { TerminalRouteOptions } from '../../lib';
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

/** The backends of the case, by route: each a port on the ttyd host. */
export interface CarveOutPorts {
  readonly clipboard: number;
  readonly assets: number;
  readonly skills: number;
  readonly live: number;
  readonly worker: number;
}

/**
 * The case's routes: a sibling prefix, the nine assets public, `/skills` exact and under a prefix,
 * compressed routes, and an exact path shorter than the catch-all's `PathPrefix("/")` (lost to ttyd by
 * rule length alone, without the catch-all's explicit priority).
 */
export function carveOutRoutes(ports: CarveOutPorts): TerminalRouteOptions[] {
  return [
    { path: '/clipboard/', hostPort: ports.clipboard },
    { name: 'assets', paths: ASSETS, hostPort: ports.assets, auth: 'public', authReason: ASSETS_AUTH_REASON },
    { name: 'skills', paths: ['/skills'], prefixes: ['/skills/'], hostPort: ports.skills, compress: true },
    { name: 'live', prefixes: ['/live/'], hostPort: ports.live, compress: true },
    { name: 'worker', paths: ['/sw.js'], hostPort: ports.worker },
  ];
}
