// Entry of dist/lazy/recovery.js: the repair of queue files a closed or crashed window left behind.
export { quarantineInto, recover } from '../core/queue/recovery';
