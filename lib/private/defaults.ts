/** The ttyd Service's name when none is given (a route to it would serve the shell a second time). */
export const DEFAULT_TTYD_SERVICE_NAME = 'terminal';
