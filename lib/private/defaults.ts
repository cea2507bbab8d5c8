/** The ttyd Service's name when none is given (a route to it would serve the shell a second time). */
export const DEFAULT_TTYD_SERVICE_NAME = 'terminal';

/**
 * The probe pod's memory, in MiB. Measured under the image's Node 24 (`npm run bench`): a healthy run
 * peaks at about 74 MiB, 1,000 replicas all checked at about 140 MiB (Node 20 took some 17 MiB less).
 */
export const PROBE_MEMORY_MIB = { request: 96, limit: 192 } as const;
