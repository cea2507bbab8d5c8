export { setup as default } from './run-folder';
