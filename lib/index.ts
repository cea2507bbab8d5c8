export * from './authentik-forward-auth';
export * from './config';
export * from './metrics';
export * from './protected-ingress';
export * from './terminal-stack';
export * from './traefik';
export * from './ttyd-service';
export * from './validation';
