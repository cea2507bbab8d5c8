export { teardown as default } from './ports';
