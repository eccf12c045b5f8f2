// Entry of dist/lazy/api.js: catalogue registration and reporters, loaded on the first register() call.
export { Registrar } from '../core/api/registrar';
