export { setup as default } from './ports';
